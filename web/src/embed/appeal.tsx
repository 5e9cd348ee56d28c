import { useState } from 'preact/hooks';
import { type Connection, type Schemas, unwrap } from '../api/connection';
import { messageFor } from '../api/problems';

type Appeal = Schemas['AppealView'];
type Frequency = Appeal['frequencies'][number];

const FREQUENCY_LABELS: Record<string, string> = { one_off: 'Once', monthly: 'Monthly', annual: 'Yearly' };

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: amount % 100 === 0 ? 0 : 2 }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/** The support appeal: amounts and frequencies from the API; a donation goes to Stripe Checkout. */
export function AppealBox(props: { connection: Connection; appeal: Appeal; articleId: string; currency?: string }) {
  const { appeal, connection } = props;
  const currencies = Object.keys(appeal.currencies);
  const [currency, setCurrency] = useState(currencies.find((code) => code === props.currency?.toLowerCase()) ?? currencies[0]);
  const options = appeal.currencies[currency];
  const [amount, setAmount] = useState(options?.defaultAmount ?? 0);
  const [frequency, setFrequency] = useState<Frequency>(appeal.frequencies[0] ?? 'one_off');
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!options) return null;
  const donate = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = { articleId: props.articleId, amount, currency, frequency, ...(email && !connection.user ? { email } : {}) };
      const { checkoutUrl } = await unwrap(connection.api.POST('/api/v1/donations/checkout', { body }));
      // Checkout refuses to be framed: from the AMP/app frame it opens in a window of its own.
      if (window.top !== window.self) window.open(checkoutUrl, '_blank', 'noopener');
      else window.location.assign(checkoutUrl);
    } catch (error) {
      setProblem(messageFor(error));
      setBusy(false);
    }
  };
  return (
    <form class="box" aria-label="Support our journalism" onSubmit={(event) => void donate(event)}>
      <h2>{appeal.headline}</h2>
      <p class="body">{appeal.body}</p>
      {currencies.length > 1 && (
        <>
          <label for="margin-currency">Currency</label>
          <select
            id="margin-currency"
            value={currency}
            onChange={(e) => {
              setCurrency(e.currentTarget.value);
              setAmount(appeal.currencies[e.currentTarget.value].defaultAmount);
            }}
          >
            {currencies.map((code) => (
              <option value={code}>{code.toUpperCase()}</option>
            ))}
          </select>
        </>
      )}
      <fieldset class="row" style="border:0;padding:0;margin:.5em 0">
        <legend class="sr">How often</legend>
        {appeal.frequencies.map((value) => (
          <button type="button" aria-pressed={frequency === value} onClick={() => setFrequency(value)}>
            {FREQUENCY_LABELS[value] ?? value}
          </button>
        ))}
      </fieldset>
      <fieldset class="row amounts" style="border:0;padding:0;margin:.5em 0">
        <legend class="sr">Amount</legend>
        {options.amounts.map((value) => (
          <button type="button" aria-pressed={amount === value} onClick={() => setAmount(value)}>
            {money(value, currency)}
          </button>
        ))}
      </fieldset>
      {!connection.user && (
        <>
          <label for="margin-donor-email">E-mail for the receipt (optional)</label>
          <input id="margin-donor-email" type="email" autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </>
      )}
      {problem && (
        <p class="message" role="alert">
          {problem}
        </p>
      )}
      <div class="row" style="margin-top:.75em">
        <button type="submit" class="primary" disabled={busy}>
          Give {money(amount, currency)}
          {frequency === 'monthly' ? ' a month' : frequency === 'annual' ? ' a year' : ''}
        </button>
      </div>
    </form>
  );
}
