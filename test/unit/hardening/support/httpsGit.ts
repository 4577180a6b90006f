// A git smart-HTTP server over TLS on loopback (git http-backend behind node:https), that can refuse authentication or stall mid-clone.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** How the server answers: serve the repositories, refuse every request with 401, or stall once the pack is asked for. */
export type HttpsGitMode = 'serve' | 'refuse' | 'stall-pack';

/** True when openssl can make the throwaway certificate this server needs. */
export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class HttpsGitServer {
  mode: HttpsGitMode = 'serve';
  /** Requests seen, as `METHOD path` (without the query), and the Authorization headers sent. */
  readonly requests: string[] = [];
  readonly authorizations: string[] = [];
  private readonly stalled = new Set<Socket>();

  private constructor(
    private readonly server: https.Server,
    readonly port: number,
    /** PEM file of the server's self-signed certificate: give it to git as GIT_SSL_CAINFO. */
    readonly caFile: string,
    private readonly certDir: string,
  ) {}

  /** Serves every bare repository under `base` at https://127.0.0.1:PORT/<name>. */
  static async start(base: string, env: Record<string, string>): Promise<HttpsGitServer> {
    const certDir = mkdtempSync(path.join(tmpdir(), 'genai-tls-'));
    const key = path.join(certDir, 'key.pem');
    const cert = path.join(certDir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {
      stdio: 'ignore',
    });
    const holder: { self?: HttpsGitServer } = {};
    const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => holder.self!.handle(req, res, base, env));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    holder.self = new HttpsGitServer(server, (server.address() as AddressInfo).port, cert, certDir);
    return holder.self;
  }

  url(name: string, userinfo = ''): string {
    return `https://${userinfo ? `${userinfo}@` : ''}127.0.0.1:${this.port}/${name}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse, base: string, env: Record<string, string>): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.answer(req, Buffer.concat(chunks), res, base, env));
  }

  private answer(req: IncomingMessage, body: Buffer, res: ServerResponse, base: string, env: Record<string, string>): void {
    const u = new URL(req.url ?? '/', 'https://127.0.0.1');
    this.requests.push(`${req.method} ${u.pathname}`);
    if (req.headers.authorization) this.authorizations.push(req.headers.authorization);
    if (this.mode === 'refuse') {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="genai-test"', 'Content-Type': 'text/plain' });
      res.end('Authentication required\n');
      return;
    }
    const plain = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
    if (this.mode === 'stall-pack' && req.method === 'POST' && plain.includes('command=fetch')) {
      // The refs were listed (ls-refs went through); the answer with the pack never comes.
      this.stalled.add(req.socket);
      res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result' });
      res.flushHeaders();
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: base,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(u.pathname),
        QUERY_STRING: u.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    cgi.stdin.on('error', () => undefined);
    cgi.stdin.end(body);
    let head = Buffer.alloc(0);
    let headerDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headerDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => {
      if (!headerDone) res.writeHead(500);
      res.end();
    });
    cgi.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  }

  async stop(): Promise<void> {
    for (const s of this.stalled) s.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    if (existsSync(this.certDir)) rmSync(this.certDir, { recursive: true, force: true });
  }
}
