/* Whole-file SHA-256 and SM3 off the page's thread (ADR 0090), with hash-wasm (vendored).
 *
 * Message in:  {id, file, scripts: [URL of sha256.umd.min.js, URL of sm3.umd.min.js], chunkSize}
 * Messages out: {id, type: "progress", done, total}, then {id, type: "done", sha256, sm3}
 *               or {id, type: "error", message}.
 * The file is read in slices (never whole), so memory stays flat for a 2 GB video.
 * Script URLs come from the page ({% static %} names them), so hashed static names work. */
"use strict";

var loaded = false;

self.onmessage = function (event) {
  var data = event.data;
  if (!loaded) {
    importScripts.apply(self, data.scripts);
    loaded = true;
  }
  digest(data).catch(function (error) {
    self.postMessage({ id: data.id, type: "error", message: String((error && error.message) || error) });
  });
};

async function digest(data) {
  var file = data.file;
  var size = file.size;
  var chunk = data.chunkSize || 8 * 1024 * 1024;
  var sha256 = await self.hashwasm.createSHA256();
  var sm3 = await self.hashwasm.createSM3();
  sha256.init();
  sm3.init();
  var offset = 0;
  var lastReport = 0;
  while (offset < size) {
    var bytes = new Uint8Array(await file.slice(offset, Math.min(size, offset + chunk)).arrayBuffer());
    if (bytes.length === 0) {
      throw new Error("file shorter than its size");
    }
    sha256.update(bytes);
    sm3.update(bytes);
    offset += bytes.length;
    var now = Date.now();
    if (now - lastReport > 100 || offset === size) {
      lastReport = now;
      self.postMessage({ id: data.id, type: "progress", done: offset, total: size });
    }
  }
  self.postMessage({ id: data.id, type: "done", sha256: sha256.digest("hex"), sm3: sm3.digest("hex") });
}
