/* Browser uploads of evidence through the tus endpoint (ADR 0090).
 *
 * For each file dropped or chosen: the whole-file SHA-256 and SM3 are computed in a Web Worker
 * (hash-worker.js, hash-wasm), then the upload is created with the same Upload-Metadata as the
 * docking-station CLI (tools/sanxiang_upload.py: filename, filetype, sha256, sm3 and the
 * recording's description) and sent with tus-js-client in 16 MiB PATCH requests. The server
 * checks both digests and signs a receipt; the page fetches the receipt and compares its size and
 * digests with the local file's.
 *
 * Resuming: tus-js-client keeps each upload's URL in localStorage under a fingerprint made of
 * the user, the endpoint, the file's digests and size; the digests themselves are kept under
 * the file's name, size and modification time. After a page reload the user chooses the same
 * file again: its digests come from localStorage at once and the upload continues from the
 * server's offset. A cut network is retried; when the browser is offline the upload pauses and
 * continues by itself when the network is back.
 *
 * Session requests carry the CSRF token (X-CSRFToken), as the server requires.
 * No text lives here: every message comes from the page (#upload-messages), in the UI language. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.tus) {
    return;
  }
  var M = JSON.parse(document.getElementById("upload-messages").textContent);
  var TYPES = JSON.parse(document.getElementById("upload-types").textContent);
  var CHUNK = 16 * 1024 * 1024;
  var HASH_CHUNK = 8 * 1024 * 1024;
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
  var endpoint = form.dataset.endpoint;
  var user = form.dataset.user;
  var maxSize = Number(form.dataset.maxSize);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var table = document.getElementById("upload-files");
  var tbody = table.querySelector("tbody");
  var rowTemplate = document.getElementById("upload-row");
  var problem = document.getElementById("upload-problem");
  var drop = document.getElementById("upload-drop");
  var input = document.getElementById("upload-input");

  var entries = [];
  var nextId = 1;
  var metadata = null; // the checked description, once "start" was pressed
  var worker = null;
  var hashQueue = [];
  var hashing = null;
  var uploadQueue = [];
  var uploading = null;

  // --- small helpers ---------------------------------------------------------------------------

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function size(bytes) {
    if (bytes >= 1073741824) {
      return (bytes / 1073741824).toFixed(2) + " GB";
    }
    if (bytes >= 1048576) {
      return (bytes / 1048576).toFixed(1) + " MB";
    }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  }

  function showProblem(text) {
    problem.textContent = text || "";
    problem.hidden = !text;
  }

  function digestKey(file) {
    return ["sanxiang-digests", user, file.name, file.size, file.lastModified].join("|");
  }

  function storedDigests(file) {
    try {
      var value = JSON.parse(window.localStorage.getItem(digestKey(file)) || "null");
      if (value && /^[0-9a-f]{64}$/.test(value.sha256) && /^[0-9a-f]{64}$/.test(value.sm3)) {
        return value;
      }
    } catch (_e) {
      /* private mode or a damaged entry: hash again */
    }
    return null;
  }

  function storeDigests(file, sha256, sm3) {
    try {
      window.localStorage.setItem(digestKey(file), JSON.stringify({ sha256: sha256, sm3: sm3 }));
    } catch (_e) {
      /* storage full or disabled: resuming after a reload hashes again */
    }
  }

  function forgetDigests(file) {
    try {
      window.localStorage.removeItem(digestKey(file));
    } catch (_e) {
      /* nothing to forget */
    }
  }

  // --- the file list ---------------------------------------------------------------------------

  function setState(entry, state, text, tone) {
    entry.state = state;
    entry.row.dataset.state = state;
    entry.el.state.textContent = text;
    entry.el.state.className = "state" + (tone ? " " + tone : "");
    var active = state === "uploading" || state === "retrying";
    entry.el.pause.hidden = !active;
    entry.el.resume.hidden = !(state === "paused" || state === "offline");
    entry.el.remove.hidden = active || state === "hashing";
    entry.el.title.disabled = state !== "waiting";
  }

  function addFiles(files) {
    showProblem("");
    var refused = [];
    Array.prototype.forEach.call(files, function (file) {
      var type = TYPES[extension(file.name)];
      if (!type) {
        refused.push(fill(M.badType, { name: file.name, types: Object.keys(TYPES).join(" ") }));
        return;
      }
      if (file.size === 0) {
        refused.push(fill(M.empty, { name: file.name }));
        return;
      }
      if (file.size > maxSize) {
        refused.push(fill(M.tooBig, { name: file.name, max: size(maxSize) }));
        return;
      }
      var twin = entries.some(function (e) {
        return e.file.name === file.name && e.file.size === file.size && e.file.lastModified === file.lastModified;
      });
      if (twin) {
        refused.push(fill(M.duplicate, { name: file.name }));
        return;
      }
      var row = rowTemplate.content.firstElementChild.cloneNode(true);
      var entry = {
        id: nextId++,
        file: file,
        type: type,
        row: row,
        el: {
          name: row.querySelector(".name"),
          size: row.querySelector(".size"),
          title: row.querySelector("input.title"),
          hash: row.querySelector("progress.hash"),
          hashText: row.querySelector(".hash-text"),
          send: row.querySelector("progress.send"),
          sendText: row.querySelector(".send-text"),
          state: row.querySelector(".state"),
          receipt: row.querySelector(".receipt"),
          pause: row.querySelector("button.pause"),
          resume: row.querySelector("button.resume"),
          remove: row.querySelector("button.remove"),
        },
      };
      entry.el.name.textContent = file.name;
      entry.el.size.textContent = size(file.size);
      entry.el.pause.addEventListener("click", function () { pause(entry); });
      entry.el.resume.addEventListener("click", function () { resume(entry); });
      entry.el.remove.addEventListener("click", function () { removeEntry(entry); });
      tbody.appendChild(row);
      entries.push(entry);
      setState(entry, "waiting", M.waiting);
      if (metadata) {
        enqueue(entry);
      }
    });
    table.hidden = entries.length === 0;
    if (refused.length) {
      showProblem(refused.join(" "));
    }
  }

  function removeEntry(entry) {
    if (entry.upload && entry.state !== "done") {
      entry.upload.abort(true).catch(function () {}); // terminate the unfinished upload
    }
    hashQueue = hashQueue.filter(function (e) { return e !== entry; });
    uploadQueue = uploadQueue.filter(function (e) { return e !== entry; });
    entries = entries.filter(function (e) { return e !== entry; });
    entry.row.remove();
    table.hidden = entries.length === 0;
  }

  // --- the description shared by the batch -----------------------------------------------------

  function description() {
    var values = {};
    var subject = form.dataset.subject;
    if (subject) {
      values.subject = subject;
    }
    ["activity", "stage", "device", "started_at", "ended_at", "location", "confidentiality", "notes"].forEach(
      function (name) {
        var field = form.elements[name];
        if (field && field.value.trim() !== "") {
          values[name] = field.value.trim();
        }
      }
    );
    var officers = form.elements.officers;
    if (officers) {
      var chosen = Array.prototype.filter.call(officers.options, function (o) { return o.selected; });
      if (chosen.length) {
        values.officers = chosen.map(function (o) { return o.value; }).join(",");
      }
    }
    if (form.elements.underground && form.elements.underground.checked) {
      values.underground = "1";
    }
    return values;
  }

  function clearFieldErrors() {
    form.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".form-row.has-error").forEach(function (row) { row.classList.remove("has-error"); });
  }

  function showFieldErrors(errors) {
    var loose = [];
    errors.forEach(function (error) {
      var field = document.getElementById("id_" + error.field);
      var row = field && field.closest(".form-row");
      if (!row) {
        loose.push(error.message);
        return;
      }
      row.classList.add("has-error");
      var list = row.querySelector("ul.js-error");
      if (!list) {
        list = document.createElement("ul");
        list.className = "errorlist js-error";
        field.insertAdjacentElement("afterend", list);
      }
      var item = document.createElement("li");
      item.textContent = error.message;
      list.appendChild(item);
    });
    showProblem([M.fixFields].concat(loose).join(" "));
  }

  function check(values) {
    return fetch(form.dataset.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ metadata: values }),
    }).then(function (response) {
      if (response.status === 204) {
        return null;
      }
      return response.json().then(function (body) {
        return body.errors && body.errors.length ? body.errors : [{ field: "", message: body.title }];
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearFieldErrors();
    showProblem("");
    var waiting = entries.filter(function (e) { return e.state === "waiting"; });
    if (!waiting.length) {
      showProblem(M.noFiles);
      return;
    }
    var values = description();
    check(values)
      .then(function (errors) {
        if (errors) {
          showFieldErrors(errors);
          return;
        }
        metadata = values;
        waiting.forEach(enqueue);
      })
      .catch(function () {
        showProblem(M.checkFailed);
      });
  });

  // --- hashing ---------------------------------------------------------------------------------

  function enqueue(entry) {
    entry.metadata = Object.assign({}, metadata);
    var title = entry.el.title.value.trim();
    if (title) {
      entry.metadata.title = title;
    }
    var known = storedDigests(entry.file);
    if (known) {
      entry.sha256 = known.sha256;
      entry.sm3 = known.sm3;
      entry.el.hash.value = 100;
      entry.el.hashText.textContent = M.hashCached;
      queueUpload(entry);
      return;
    }
    setState(entry, "queued", M.queued);
    hashQueue.push(entry);
    pumpHashing();
  }

  function hashWorker() {
    if (!worker) {
      worker = new Worker(form.dataset.workerUrl);
      worker.onmessage = onHashMessage;
    }
    return worker;
  }

  function pumpHashing() {
    if (hashing || !hashQueue.length) {
      return;
    }
    hashing = hashQueue.shift();
    setState(hashing, "hashing", M.hashing);
    hashWorker().postMessage({
      id: hashing.id,
      file: hashing.file,
      scripts: [form.dataset.sha256Url, form.dataset.sm3Url],
      chunkSize: HASH_CHUNK,
    });
  }

  function onHashMessage(event) {
    var data = event.data;
    var entry = hashing;
    if (!entry || entry.id !== data.id) {
      return;
    }
    if (data.type === "progress") {
      var percent = Math.floor((data.done * 100) / Math.max(1, data.total));
      entry.el.hash.value = percent;
      entry.el.hashText.textContent = M.hashing + " " + percent + "%";
      return;
    }
    hashing = null;
    if (data.type === "done") {
      entry.sha256 = data.sha256;
      entry.sm3 = data.sm3;
      entry.el.hash.value = 100;
      entry.el.hashText.textContent = M.hashed;
      storeDigests(entry.file, data.sha256, data.sm3);
      queueUpload(entry);
    } else {
      setState(entry, "failed", M.readError + data.message, "bad");
    }
    pumpHashing();
  }

  // --- uploading -------------------------------------------------------------------------------

  function queueUpload(entry) {
    setState(entry, "queued", M.queued);
    uploadQueue.push(entry);
    pumpUploads();
  }

  function pumpUploads() {
    if (uploading || !uploadQueue.length) {
      return;
    }
    uploading = uploadQueue.shift();
    if (uploading.upload) {
      // paused or cut off earlier: the same tus upload goes on from the server's offset
      setState(uploading, "uploading", M.uploading);
      uploading.upload.start();
    } else {
      startUpload(uploading);
    }
  }

  function finished(entry) {
    if (uploading === entry) {
      uploading = null;
      pumpUploads();
    }
  }

  function problemText(error) {
    var response = error && error.originalResponse;
    if (response) {
      try {
        var body = JSON.parse(response.getBody() || "{}");
        var details = (body.errors || []).map(function (e) { return e.message; });
        return [body.title].concat(details).filter(Boolean).join(" ");
      } catch (_e) {
        return "HTTP " + response.getStatus();
      }
    }
    return String((error && error.message) || error);
  }

  function startUpload(entry) {
    var values = Object.assign({}, entry.metadata, {
      filename: entry.file.name,
      filetype: entry.type,
      sha256: entry.sha256,
      sm3: entry.sm3,
    });
    var upload = new window.tus.Upload(entry.file, {
      endpoint: endpoint,
      chunkSize: CHUNK,
      retryDelays: RETRY_DELAYS,
      headers: { "X-CSRFToken": csrf },
      metadata: values,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      fingerprint: function (file) {
        return Promise.resolve(["sanxiang", user, endpoint, entry.sha256, entry.sm3, file.size].join("|"));
      },
      onProgress: function (sent, total) {
        var percent = Math.floor((sent * 100) / Math.max(1, total));
        entry.el.send.value = percent;
        entry.el.sendText.textContent = fill(M.sent, { sent: size(sent), total: size(total), percent: percent + "%" });
        if (entry.state !== "uploading" && entry.state !== "paused") {
          setState(entry, "uploading", M.uploading);
        }
      },
      onShouldRetry: function (error) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        var transient = status === 0 || status === 409 || status === 423 || status >= 500;
        if (transient && navigator.onLine) {
          setState(entry, "retrying", M.retrying, "bad");
          return true;
        }
        return false;
      },
      onError: function (error) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        if (status === 0 || status >= 500 || !navigator.onLine) {
          setState(entry, "offline", M.offline, "bad");
        } else {
          setState(entry, "failed", M.failed + problemText(error), "bad");
          if (status === 460) {
            forgetDigests(entry.file);
          }
        }
        finished(entry);
      },
      onSuccess: function (payload) {
        var response = payload && payload.lastResponse;
        var path = response && response.getHeader("Sanxiang-Receipt");
        fetchReceipt(entry, path || upload.url + "/receipt");
        finished(entry);
      },
    });
    entry.upload = upload;
    setState(entry, "uploading", M.uploading);
    upload
      .findPreviousUploads()
      .then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          entry.resumed = true;
        }
        upload.start();
      })
      .catch(function () {
        upload.start();
      });
  }

  function pause(entry) {
    if (!entry.upload) {
      return;
    }
    entry.upload.abort(false);
    setState(entry, "paused", M.paused);
    finished(entry);
  }

  function resume(entry) {
    if (!entry.upload) {
      return;
    }
    if (uploading && uploading !== entry) {
      queueAgain(entry);
      return;
    }
    uploading = entry;
    setState(entry, "uploading", M.uploading);
    entry.upload.start();
  }

  function queueAgain(entry) {
    setState(entry, "queued", M.queued);
    uploadQueue.unshift(entry);
  }

  window.addEventListener("online", function () {
    entries.forEach(function (entry) {
      if (entry.state === "offline") {
        resume(entry);
      }
    });
  });

  // --- the receipt -----------------------------------------------------------------------------

  function receiptFields(note) {
    var text = note.split("\n\n")[0];
    var fields = {};
    text.split("\n").slice(1).forEach(function (line) {
      var space = line.indexOf(" ");
      if (space > 0) {
        fields[line.slice(0, space)] = line.slice(space + 1);
      }
    });
    return fields;
  }

  function fetchReceipt(entry, url) {
    fetch(url, { credentials: "same-origin", headers: { "Tus-Resumable": "1.0.0" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (note) {
        var fields = receiptFields(note);
        entry.receipt = note;
        entry.row.dataset.receipt = note;
        var matches =
          fields.verdict === "stored-and-verified" &&
          fields.sha256 === entry.sha256 &&
          fields.sm3 === entry.sm3 &&
          fields.size === String(entry.file.size);
        setState(entry, "done", fill(M.done, { number: fields.recording || "" }), matches ? "ok" : "bad");
        entry.el.send.value = 100;
        var line = document.createElement("div");
        line.className = matches ? "receipt-ok" : "receipt-bad";
        line.textContent = matches ? M.receiptOk : M.receiptBad;
        entry.el.receipt.appendChild(line);
        var uploadId = entry.upload.url.split("/").pop();
        var record = document.createElement("a");
        record.href = form.dataset.recordingUrl.replace("UPLOAD_ID", encodeURIComponent(uploadId));
        record.textContent = M.recordingLink;
        var download = document.createElement("a");
        download.href = URL.createObjectURL(new Blob([note], { type: "text/plain" }));
        download.download = entry.file.name + ".receipt.txt";
        download.textContent = M.receiptLink;
        entry.el.receipt.append(record, " · ", download);
        if (matches) {
          forgetDigests(entry.file);
        }
      })
      .catch(function () {
        setState(entry, "done", M.receiptMissing, "bad");
      });
  }

  // --- choosing files --------------------------------------------------------------------------

  input.addEventListener("change", function () {
    addFiles(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.remove("dragging");
    });
  });
  drop.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      addFiles(event.dataTransfer.files);
    }
  });
  drop.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    var busy = entries.some(function (e) {
      return e.state === "hashing" || e.state === "uploading" || e.state === "retrying";
    });
    if (busy) {
      event.preventDefault();
      event.returnValue = M.leave;
    }
  });
})();
