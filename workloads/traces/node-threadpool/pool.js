// libuv's thread pool (UV_THREADPOOL_SIZE=4): 48 crypto.pbkdf2 jobs and
// 400 fs.readFile/stat calls queued at once; the pool's workers take work
// from a mutex/condvar-protected queue and post completions back to the
// event loop.
const crypto = require('crypto');
const fs = require('fs');
let pending = 0;
const done = () => { if (--pending === 0) console.log('done'); };
for (let i = 0; i < 48; i++) {
  pending++;
  crypto.pbkdf2('secret' + i, 'salt', 20000, 64, 'sha256', done);
}
const files = ['/etc/passwd', '/etc/hostname', '/etc/os-release', process.execPath];
for (let i = 0; i < 400; i++) {
  pending++;
  const f = files[i % files.length];
  if (i % 2) fs.stat(f, done); else fs.readFile(f === process.execPath ? '/etc/passwd' : f, done);
}
