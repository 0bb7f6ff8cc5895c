export const REPOSITORY_URL = 'https://github.com/kcheck-dev/kcheck';

/** Where a rule's documentation is published (the rules/<id>.md file). */
export function docsUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/rules/${ruleId}.md`;
}
