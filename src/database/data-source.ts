import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseUrlForCli } from '../config/cli-environment';
import { dataSourceOptions } from './data-source-options';

/** Used by the TypeORM CLI (migration:generate/run/revert). */
export default new DataSource(dataSourceOptions(databaseUrlForCli()));
