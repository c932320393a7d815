// Who may talk to the admin server, and where its port, address and token come from.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminConfigError, isLoopback, presentedToken, requiredToken } from '../../../src/admin/auth.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';

describe('admin access', () => {
  it('knows loopback addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'admin.internal', '::ffff:10.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });

  it('requires a token off loopback only, and keeps one that is set', () => {
    expect(requiredToken('127.0.0.1', null)).toBeNull();
    expect(requiredToken('127.0.0.1', 'a-token-of-sixteen-chars')).toBe('a-token-of-sixteen-chars');
    expect(requiredToken('0.0.0.0', 'a-token-of-sixteen-chars')).toBe('a-token-of-sixteen-chars');
    expect(() => requiredToken('0.0.0.0', null)).toThrow(AdminConfigError);
    expect(() => requiredToken('10.0.0.5', '')).toThrow(/NEWSFLOW_ADMIN_TOKEN/);
    // The CLI prints ConfigErrors without a stack.
    expect(new AdminConfigError('x')).toBeInstanceOf(ConfigError);
  });

  it('reads the token from a bearer header or a Basic password', () => {
    expect(presentedToken(undefined)).toBeNull();
    expect(presentedToken('Bearer abc.def')).toBe('abc.def');
    expect(presentedToken('bearer   abc')).toBe('abc');
    expect(presentedToken('Bearer')).toBeNull();
    expect(presentedToken(`Basic ${Buffer.from('ops:se:cret').toString('base64')}`)).toBe('se:cret');
    expect(presentedToken(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeNull();
    expect(presentedToken('Digest username="x"')).toBeNull();
  });
});

describe('admin configuration', () => {
  it('is off by default and bound to loopback', () => {
    const { admin } = loadConfig({ env: {} }).config;
    expect(admin).toEqual({ port: null, host: '127.0.0.1', token: null });
  });

  it('takes the port, address and token from the environment over the files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-admin-'));
    const file = path.join(dir, 'my.yaml');
    writeFileSync(file, 'admin:\n  port: 9000\n  host: 10.0.0.5\n  token: file-token-0123456789\n');
    expect(loadConfig({ configPath: file, env: {} }).config.admin).toEqual({ port: 9000, host: '10.0.0.5', token: 'file-token-0123456789' });
    const env = { NEWSFLOW_ADMIN_PORT: '9464', NEWSFLOW_ADMIN_HOST: '0.0.0.0', NEWSFLOW_ADMIN_TOKEN: 'env-token-0123456789' };
    expect(loadConfig({ configPath: file, env }).config.admin).toEqual({ port: 9464, host: '0.0.0.0', token: 'env-token-0123456789' });
  });

  it('rejects a port that is not a number and a short token, naming the key', () => {
    expect(() => loadConfig({ env: { NEWSFLOW_ADMIN_PORT: 'ninety' } })).toThrow(/environment: admin\.port/);
    expect(() => loadConfig({ env: { NEWSFLOW_ADMIN_PORT: '70000' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { NEWSFLOW_ADMIN_TOKEN: 'short' } })).toThrow(/admin\.token: at least 16 characters/);
  });
});
