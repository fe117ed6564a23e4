/**
 * Per raw client connection until (and after) its session starts: the admission record a frontend keeps on the
 * raw socket, and the module-level listener/socket handlers that find it through a symbol (no closures).
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { errorText } from '../util/log.js';

/** The frontend's side of an admission. */
export interface AdmissionOwner {
  accept(raw: net.Socket): void;
  rawClosed(adm: Admission): void;
  secured(adm: Admission, socket: tls.TLSSocket): void;
}

export interface Admission {
  frontend: AdmissionOwner;
  raw: net.Socket;
  admitted: boolean;
  cancel: (() => void) | null;
  secure: tls.TLSSocket | null;
  started: boolean;
  reason: string;
  detail: string;
  acceptedAt: number;
}

const ADMISSION = Symbol('ts-proxy.admission');
type Admitted = net.Socket & { [ADMISSION]?: Admission };
type OwnedServer = net.Server & { [ADMISSION]?: AdmissionOwner };

/** Records a new raw connection and listens for its error and close. */
export function admit(frontend: AdmissionOwner, raw: net.Socket): Admission {
  const adm: Admission = {
    frontend,
    raw,
    admitted: false,
    cancel: null,
    secure: null,
    started: false,
    reason: '',
    detail: '',
    acceptedAt: Date.now(),
  };
  (raw as Admitted)[ADMISSION] = adm;
  raw.on('error', onRawError);
  raw.on('close', onRawClose);
  return adm;
}

/** Marks a listener as the frontend's: `onPlainConnection` finds the frontend through it. */
export function tagServer(server: net.Server, frontend: AdmissionOwner): void {
  (server as OwnedServer)[ADMISSION] = frontend;
}

function admissionOf(socket: net.Socket | undefined): Admission | undefined {
  return socket ? (socket as Admitted)[ADMISSION] : undefined;
}

function onRawError(this: net.Socket, err: Error): void {
  const adm = admissionOf(this);
  if (adm && !adm.started && !adm.reason) {
    adm.reason = 'client-error';
    adm.detail = errorText(err);
  }
}

function onRawClose(this: net.Socket): void {
  const adm = admissionOf(this);
  if (adm) adm.frontend.rawClosed(adm);
}

export function onPlainConnection(this: net.Server, raw: net.Socket): void {
  (this as OwnedServer)[ADMISSION]?.accept(raw);
}

export function onSecureConnection(this: tls.Server, socket: tls.TLSSocket): void {
  const adm = admissionOf((socket as tls.TLSSocket & { _parent?: net.Socket })._parent);
  if (adm) adm.frontend.secured(adm, socket);
  else socket.destroy();
}

export function onTlsClientError(err: Error & { code?: string }, socket: tls.TLSSocket): void {
  const adm = admissionOf((socket as tls.TLSSocket & { _parent?: net.Socket })._parent);
  if (adm && !adm.reason) {
    adm.reason = err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'handshake-timeout' : 'tls-error';
    adm.detail = errorText(err);
  }
  if (!socket.destroyed) socket.destroy();
}
