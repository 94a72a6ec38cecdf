// What the command under test is given: {url} (and {ca}) in its words, and an
// environment that sends it straight to the lab and, over https, trusts the run's CA
// through the variables clients read.

/** OpenSSL (Python, Ruby, wget built with OpenSSL), curl, Node, Python requests. */
export const CA_VARIABLES = ['SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE'] as const;

export const URL_PLACEHOLDER = '{url}';
export const CA_PLACEHOLDER = '{ca}';

/** Why the command cannot be run as written, or null. */
export function commandProblem(command: string[], https: boolean): string | null {
  if (command.length === 0) return 'give the command to probe, with {url} where the URL goes: chunkscope probe -- curl -sS -o /dev/null {url}';
  if (!command.some((word) => word.includes(URL_PLACEHOLDER))) {
    return `the command has no {url}: put {url} where the URL goes, for example chunkscope probe -- ${command.join(' ')} {url}`;
  }
  if (!https && command.some((word) => word.includes(CA_PLACEHOLDER))) return '{ca} is the CA of an https run: add --https, or take {ca} out';
  return null;
}

/** The command's words with {url} and {ca} replaced (inside words too: sh -c 'curl {url}'). */
export function substitute(command: string[], values: { url: string; ca: string | null }): string[] {
  return command.map((word) => word.replaceAll(URL_PLACEHOLDER, values.url).replaceAll(CA_PLACEHOLDER, values.ca ?? CA_PLACEHOLDER));
}

/**
 * The user's environment, with the lab's address kept away from any proxy they set
 * (NO_PROXY), and over https every CA variable naming the run's CA.
 */
export function clientEnvironment(base: NodeJS.ProcessEnv, caFile: string | null): NodeJS.ProcessEnv {
  const env = { ...base };
  const noProxy = [base.NO_PROXY ?? base.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  env.NO_PROXY = noProxy;
  env.no_proxy = noProxy;
  if (caFile) for (const name of CA_VARIABLES) env[name] = caFile;
  return env;
}
