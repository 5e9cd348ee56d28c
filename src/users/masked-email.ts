/**
 * An address as logs may show it: enough for an operator to recognise their own
 * (first letter of the local part, the whole domain), too little to identify a reader.
 */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
