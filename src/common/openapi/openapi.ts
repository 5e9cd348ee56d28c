import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemView } from './problem.view';

export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Margin API')
    .setDescription(
      'Comments, follows, moderation and Stripe donations beside a newsroom\'s articles. ' +
        'Errors are application/problem+json with a stable `code`; lists are keyset-paginated with `limit` and `cursor`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'cms-api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemView] });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
}
