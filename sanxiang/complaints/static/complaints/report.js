/* The public report form (投诉举报): solves the ALTCHA-format proof of work in the browser,
 * then — when photos or videos are chosen — buys an upload grant with it and sends each file
 * through the resumable upload (tus-js-client) before the form is submitted. No external
 * service; everything is served from this site. Written for this project (ADR 0140). */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var status = document.getElementById("captcha-status");
  var button = form.querySelector("button[type=submit]");
  var fileInput = document.getElementById("report-files");
  var fileStatus = document.getElementById("file-status");
  var text = form.dataset;

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
    return out;
  }

  async function solve(challenge) {
    var encoder = new TextEncoder();
    for (var n = 0; n <= challenge.maxnumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) {
        return btoa(JSON.stringify({
          algorithm: challenge.algorithm, challenge: challenge.challenge, number: n,
          salt: challenge.salt, signature: challenge.signature
        }));
      }
    }
    throw new Error("unsolved");
  }

  var solving;
  function startSolving(challenge) {
    button.disabled = true;
    status.textContent = text.solvingText;
    solving = solve(challenge).then(function (payload) {
      form.elements.captcha.value = payload;
      status.textContent = text.solvedText;
      button.disabled = false;
      return payload;
    }, function () { status.textContent = text.failedText; });
  }
  startSolving(JSON.parse(text.challenge));

  function upload(file, grant) {
    return new Promise(function (resolve, reject) {
      var task = new tus.Upload(file, {
        endpoint: text.tusUrl,
        headers: { "Sanxiang-Grant": grant },
        metadata: { filename: file.name, filetype: file.type },
        retryDelays: [0, 1000, 3000],
        removeFingerprintOnSuccess: true,
        onError: function (error) {
          var body = error.originalResponse ? error.originalResponse.getBody() : "";
          try { reject(new Error(JSON.parse(body).title)); } catch (e) { reject(error); }
        },
        onProgress: function (sent, total) {
          fileStatus.textContent = file.name + " " + Math.floor(sent * 100 / total) + "%";
        },
        onSuccess: function () { resolve(task.url.split("/").pop()); }
      });
      task.start();
    });
  }

  form.addEventListener("submit", async function (event) {
    if (form.dataset.ready === "1") return;
    event.preventDefault();
    button.disabled = true;
    try {
      await solving;
      var files = fileInput ? Array.prototype.slice.call(fileInput.files) : [];
      var maxFiles = parseInt(text.maxFiles, 10), maxSize = parseInt(text.maxSize, 10);
      var types = text.types.split(",");
      if (files.length > maxFiles) throw new Error(text.tooManyText);
      files.forEach(function (f) {
        if (f.size > maxSize) throw new Error(f.name + "：" + text.tooLargeText);
        if (types.indexOf(f.type) < 0) throw new Error(f.name + "：" + text.wrongTypeText);
      });
      if (files.length) {
        var body = new FormData();
        body.append("captcha", form.elements.captcha.value);
        body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
        var reply = await fetch(text.grantUrl, { method: "POST", body: body, credentials: "same-origin" });
        var answer = await reply.json();
        if (!reply.ok) throw new Error(answer.title);
        form.elements.grant.value = answer.grant;
        form.elements.captcha.value = "";
        var ids = [];
        for (var i = 0; i < files.length; i++) ids.push(await upload(files[i], answer.grant));
        form.elements.uploads.value = ids.join(",");
        fileStatus.textContent = text.uploadedText;
        fileInput.disabled = true;
      }
      form.dataset.ready = "1";
      form.submit();
    } catch (error) {
      fileStatus.textContent = error.message || String(error);
      button.disabled = false;
    }
  });
})();
