import { isbot } from 'isbot';

// isbot already knows crawlers, monitors, HTTP libraries (curl, Wget, python-requests) and
// HeadlessChrome. These are the automation markers we add on top: test runners and audit tools
// that keep a browser-looking user agent. Electron is deliberately absent: desktop apps built on
// it are real people.
const AUTOMATION = /headless|phantomjs|slimerjs|lighthouse|puppeteer|playwright|selenium|webdriver|cypress/i;

// Only the user agent decides: a `curl` request that sends a browser's user agent (a backend
// forwarding its visitor's UA, or someone testing the endpoint) is counted like that browser.
export function rejectBot(ua: string | null | undefined): 'bot' | null {
  const trimmed = (ua ?? '').trim();
  // No real browser omits the header; an empty one is a script.
  if (trimmed === '') return 'bot';
  if (isbot(trimmed) || AUTOMATION.test(trimmed)) return 'bot';
  return null;
}
