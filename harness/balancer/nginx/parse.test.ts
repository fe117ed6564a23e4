import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { fixture, tmpFile } from '../../../test/helpers/files.js';
import { tokenizeNginx, flattenTokens } from './tokenize.js';
import { childrenNamed, inherited, parseNginxConf, parseNginxTime, walkNginx, type NginxDirective } from './parse.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function find(list: NginxDirective[], name: string, arg?: string): NginxDirective {
  let hit: NginxDirective | undefined;
  walkNginx(list, (d) => {
    if (!hit && d.name === name && (arg === undefined || d.args[0] === arg)) hit = d;
  });
  if (!hit) throw new Error(`no ${name} ${arg ?? ''}`);
  return hit;
}

describe('nginx.conf tokens', () => {
  test('quotes, escapes, comments and ${var} read as nginx reads them, with lines', () => {
    const t = tokenizeNginx(`log_format m '$a "x"'\n  "b\\"c" # comment ;\n  \${host}x;\nset $v a#b;`, 'f');
    expect(t.map((x) => x.text)).toEqual([
      'log_format',
      'm',
      '$a "x"',
      'b"c',
      '${host}x',
      ';',
      'set',
      '$v',
      'a#b',
      ';',
    ]);
    expect(t.map((x) => x.line)).toEqual([1, 1, 1, 2, 3, 3, 4, 4, 4, 4]);
  });
  test('flattening keeps the words and drops comments, one line', () => {
    const text = `upstream u { # c\n  server a:1;\n}\n`;
    expect(flattenTokens(tokenizeNginx(text, 'f'))).toBe('upstream u { server a:1; }');
  });
  test('an unterminated string names its line', () => {
    expect(errorOf(() => tokenizeNginx(`a;\nb "x;\n`, 'f.conf')).format()).toMatch(/^f\.conf:2: unterminated/);
  });
});

describe('nginx.conf structure', () => {
  test('blocks, directives and their contexts keep their 1-based lines', () => {
    const { text, file } = fixture('real-world/nginx/good/05-websocket-location.conf');
    const p = parseNginxConf(text, file);
    const up = find(p.root.directives, 'upstream', 'emqx_ws');
    expect(up.line).toBe(39);
    expect(up.context).toEqual(['http']);
    expect(childrenNamed(up, 'server').map((s) => s.line)).toEqual([40, 41, 42]);
    const loc = find(p.root.directives, 'location', '/mqtt');
    expect(loc.line).toBe(56);
    expect(loc.context).toEqual(['http', 'server']);
    expect(find(p.root.directives, 'listen', '8083').line).toBe(53);
    const map = find(p.root.directives, 'map');
    expect(map.args).toEqual(['$http_upgrade', '$connection_upgrade']);
    expect(map.block?.map((e) => [e.name, e.args[0]])).toEqual([
      ['default', 'upgrade'],
      ['', 'close'],
    ]);
    expect(find(p.root.directives, 'stream').blockEnd?.line).toBe(23);
  });

  test('inherited values come from the innermost level that sets them', () => {
    const file = tmpFile('n.conf', 'http { proxy_read_timeout 5s; server { location / { proxy_pass http://u; } } }');
    const p = parseNginxConf('http { proxy_read_timeout 5s; server { location / { proxy_pass http://u; } } }', file);
    let found: NginxDirective | undefined;
    walkNginx(p.root.directives, (d, parents) => {
      if (d.name === 'proxy_pass') found = inherited('proxy_read_timeout', parents.at(-1)!, parents.slice(0, -1));
    });
    expect(found?.args).toEqual(['5s']);
  });

  test('nginx times: units, combinations, plain seconds', () => {
    expect(parseNginxTime('10m')).toBe(600_000);
    expect(parseNginxTime('30')).toBe(30_000);
    expect(parseNginxTime('1m30s')).toBe(90_000);
    expect(parseNginxTime('500ms')).toBe(500);
    expect(parseNginxTime('soon')).toBeUndefined();
  });

  test('syntax errors name file:line and a fix', () => {
    const unclosed = errorOf(() => parseNginxConf('events {}\nstream {\n  server { listen 1;\n}\n', '/x/n.conf'));
    expect(unclosed.format()).toMatch(/^\/x\/n\.conf:2: block "stream" opened here is never closed[\s\S]*fix: add/);
    const noSemi = errorOf(() => parseNginxConf('events {}\nworker_processes 1\n', '/x/n.conf'));
    expect(noSemi.line).toBe(2);
    expect(noSemi.message).toMatch(/not terminated by ";"/);
    expect(errorOf(() => parseNginxConf('a;\n}\n', '/x/n.conf')).line).toBe(2);
  });
});

describe('includes', () => {
  test('globs resolve against the main file directory, sorted; their directives keep their own file and line', () => {
    const main = tmpFile('nginx.conf', '');
    const dir = path.dirname(main);
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(path.join(dir, 'conf.d', 'b.conf'), '\n\nupstream b { server b:1883; }\n');
    writeFileSync(path.join(dir, 'conf.d', 'a.conf'), 'upstream a { server a:1883; }\n');
    writeFileSync(path.join(dir, 'conf.d', 'skip.txt'), 'garbage');
    const text = 'events {}\nstream {\n  include conf.d/*.conf;\n  include empty.d/*.conf;\n}\n';
    const p = parseNginxConf(text, main);
    const ups: string[] = [];
    walkNginx(p.root.directives, (d) => {
      if (d.name === 'upstream') ups.push(`${d.args[0]}@${path.basename(d.file)}:${d.line} ${d.context.join('/')}`);
    });
    expect(ups).toEqual(['a@a.conf:1 stream', 'b@b.conf:3 stream']);
    expect(p.root.directives[1]!.block![0]!.included?.map((f) => f.includedFrom)).toEqual([
      { file: main, line: 3 },
      { file: main, line: 3 },
    ]);
  });

  test('a missing include (no glob) is refused with file:line and a fix', () => {
    const main = tmpFile('nginx.conf', '');
    const err = errorOf(() => parseNginxConf('events {}\n\nhttp {\n  include mime.types;\n}\n', main));
    expect(err.format()).toMatch(
      /nginx\.conf:4: include "mime\.types" not found \(looked for .*mime\.types\)[\s\S]*fix: create/,
    );
  });
});

describe('real-world NGINX fixtures', () => {
  const files = ['good', 'broken'].flatMap((d) =>
    readdirSync(path.resolve('fixtures/real-world/nginx', d))
      .filter((f) => f.endsWith('.conf')) // the profiles beside them are not configs
      .map((f) => `real-world/nginx/${d}/${f}`),
  );
  test.each(files)('%s parses and says where it comes from', (rel) => {
    const { text, file } = fixture(rel);
    const header = text.split('\n').filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('#')));
    expect(header[0]).toMatch(/^# Modelled on /);
    expect(header.join('\n')).toMatch(/https?:\/\/|github\.com\//);
    const p = parseNginxConf(text, file);
    let upstreams = 0;
    walkNginx(p.root.directives, (d) => {
      if (d.name === 'upstream') upstreams++;
    });
    expect(upstreams).toBeGreaterThan(0);
  });
});
