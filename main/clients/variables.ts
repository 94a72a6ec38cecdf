// The environment that points a client at Chunkscope and makes it trust the CA: one table,
// read by `run` (the command's environment), `env` (lines for a shell) and the app's
// "Connect a client" panel (clientSetup). Pure: paths in, variables out.

/** The files a client's environment names (files.ts writes them). */
export interface ClientFiles {
  /** The system's roots and Chunkscope's CA, in one PEM file. */
  caBundle: string;
  /** Chunkscope's CA alone (PEM). */
  caCert: string;
  /** A wgetrc naming the bundle (wget reads no CA variable), with the user's own settings first. */
  wgetrc: string;
  /** The preload that routes Node's http, https and fetch through the proxy, when it was built. */
  nodePreload: string | null;
}

export interface ClientVariable {
  name: string;
  value: string;
  /** Who reads it, in words (the panel and `env --explain` show it). */
  readBy: string;
}

/**
 * Every variable, in order. `proxy` is http://HOST:PORT. `nodeOptions` is the value the
 * environment had before (NODE_OPTIONS keeps the user's own options after the preload).
 */
export function clientVariables(proxy: string, files: ClientFiles, nodeOptions = ''): ClientVariable[] {
  const bundle = (name: string, readBy: string): ClientVariable => ({ name, value: files.caBundle, readBy });
  const variables: ClientVariable[] = [
    { name: 'HTTP_PROXY', value: proxy, readBy: 'most clients, for http:// URLs' },
    { name: 'HTTPS_PROXY', value: proxy, readBy: 'most clients, for https:// URLs' },
    { name: 'http_proxy', value: proxy, readBy: 'curl, wget, git and Python (curl reads only the lower-case name for http://)' },
    { name: 'https_proxy', value: proxy, readBy: 'curl, wget, git and Python' },
    // Empty, not absent: a NO_PROXY listing localhost would keep local servers out of the capture.
    { name: 'NO_PROXY', value: '', readBy: 'cleared, so local servers (localhost, 127.0.0.1) go through Chunkscope too' },
    { name: 'no_proxy', value: '', readBy: 'cleared, as NO_PROXY' },
    bundle('SSL_CERT_FILE', 'OpenSSL-based clients: Python, Ruby, curl built with OpenSSL'),
    bundle('CURL_CA_BUNDLE', 'curl'),
    bundle('REQUESTS_CA_BUNDLE', 'Python requests'),
    bundle('GIT_SSL_CAINFO', 'git over https'),
    bundle('PIP_CERT', 'pip'),
    bundle('AWS_CA_BUNDLE', 'the AWS CLI and SDKs'),
    bundle('DENO_CERT', 'Deno'),
    bundle('CARGO_HTTP_CAINFO', 'cargo'),
    { name: 'NODE_EXTRA_CA_CERTS', value: files.caCert, readBy: 'Node (added to its own roots)' },
    { name: 'WGETRC', value: files.wgetrc, readBy: 'wget (its settings file: yours, then ca_certificate)' },
    { name: 'NODE_USE_ENV_PROXY', value: '1', readBy: 'Node 24 and later: its http, https and fetch use the proxy variables' },
  ];
  if (files.nodePreload) {
    variables.push({ name: 'NODE_OPTIONS', value: withPreload(files.nodePreload, nodeOptions), readBy: 'older Node: a preload routes http, https and fetch through the proxy' });
  }
  return variables;
}

/** NODE_OPTIONS with the preload first, the user's options kept, the preload never twice. */
export function withPreload(preload: string, nodeOptions: string): string {
  const require = `--require ${quoteNodeOption(preload)}`;
  const rest = nodeOptions.split(require).join(' ').replace(/\s+/g, ' ').trim();
  return rest ? `${require} ${rest}` : require;
}

/** NODE_OPTIONS splits on spaces except inside double quotes (a backslash escapes). */
function quoteNodeOption(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` : value;
}
