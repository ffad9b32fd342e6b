/* The recording player (evidence/recording_detail.html): when the browser cannot play the
 * system-made playable copy it tries the original; when neither plays it says so (ADR 0092).
 * A video whose picture cannot be decoded (only its sound plays) counts as not playing. */
(function () {
  "use strict";
  var video = document.getElementById("player");
  if (!video || video.tagName !== "VIDEO") {
    return;
  }
  var problem = document.getElementById("player-problem");
  var copyNote = document.getElementById("player-copy-note");
  var triedOriginal = !video.dataset.copy;

  function fail() {
    if (!triedOriginal) {
      triedOriginal = true;
      if (copyNote) {
        copyNote.hidden = true;
      }
      video.src = video.dataset.originalSrc;
      video.load();
      video.play().catch(function () {});
      return;
    }
    video.dataset.failed = "1";
    if (problem) {
      problem.hidden = false;
    }
  }

  video.addEventListener("error", fail);
  video.addEventListener("loadedmetadata", function () {
    if (video.videoWidth === 0 && video.videoHeight === 0) {
      fail();
    }
  });
})();
