import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { MgmError } from '@mgm/protocol';
import { invalidRequest } from './openai-error.ts';
import { isPrivateAddress } from './private-address.ts';

export interface ImageFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Parameter path for error messages. */
  param: string;
}

/**
 * Fetches an http(s) image for a chat request (only when the operator enabled it). The host
 * name is resolved once and every address is checked before connecting (the connection uses
 * the checked address, so a DNS answer cannot change in between); private, loopback and other
 * non-public addresses are refused, redirects are not followed, and the body is capped.
 */
export async function fetchImage(url: URL, options: ImageFetchOptions): Promise<Uint8Array> {
  if (url.username || url.password) throw invalidRequest('an image URL with credentials is refused', options.param, 'invalid_image_url');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isPrivateAddress(host)) throw refused(options.param);
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) return callback(new PrivateAddressRefused(hostname), '', 0);
      if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Uint8Array>((resolve, reject) => {
    const req = request(url, { method: 'GET', lookup, timeout: options.timeoutMs, headers: { accept: 'image/*' } }, (res: IncomingMessage) => {
      if ((res.statusCode ?? 0) >= 300 && (res.statusCode ?? 0) < 400) {
        res.resume();
        return reject(invalidRequest('the image URL redirects: give the final URL (redirects are not followed)', options.param, 'invalid_image_url'));
      }
      if (res.statusCode !== 200) {
        res.resume();
        return reject(invalidRequest(`the image URL answered HTTP ${res.statusCode}`, options.param, 'invalid_image_url'));
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        res.destroy();
        return reject(new MgmError('IMAGE_TOO_LARGE', `the image at the URL is larger than the limit of ${options.maxBytes} bytes`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          res.destroy();
          reject(new MgmError('IMAGE_TOO_LARGE', `the image at the URL is larger than the limit of ${options.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, size))));
      res.on('error', (error) => reject(invalidRequest(`the image could not be downloaded: ${error.message}`, options.param, 'invalid_image_url')));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => {
      if (error instanceof PrivateAddressRefused) return reject(refused(options.param));
      reject(invalidRequest(`the image could not be downloaded: ${error.message}`, options.param, 'invalid_image_url'));
    });
    req.end();
  });
}

/** The lookup refused every address of the host (it resolves to a private one). */
class PrivateAddressRefused extends Error implements NodeJS.ErrnoException {
  code = 'EPRIVATEADDRESS';
  constructor(hostname: string) {
    super(`${hostname} resolves to a private or loopback address`);
  }
}

function refused(param: string) {
  return invalidRequest('the image URL points to a private or loopback address: refused', param, 'invalid_image_url');
}
