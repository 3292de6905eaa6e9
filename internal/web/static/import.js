// The lead import form with a progress bar. Without this script the form
// posts the file as multipart to /admin/imports/upload and the import's
// page reloads itself; with it, the file goes as the raw body of POST
// /admin/imports (data-raw) with the upload's progress shown, then the
// import's progress is polled every second until it ends.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.JSON) {
    return;
  }
  var input = document.getElementById("f-file");
  var button = document.getElementById("import-submit");
  var box = document.getElementById("import-progress");
  var phase = document.getElementById("import-phase");
  var bar = document.getElementById("import-bar");
  var counts = document.getElementById("import-counts");
  var link = document.getElementById("import-link");
  var alertBox = document.getElementById("import-error");

  // The content type follows the file's name, as the server reads it.
  function contentType(name) {
    var n = name.toLowerCase();
    if (/\.csv$/.test(n)) {
      return "text/csv";
    }
    if (/\.(ndjson|jsonl)$/.test(n)) {
      return "application/x-ndjson";
    }
    return "";
  }

  function show(percent, text) {
    bar.value = percent;
    bar.textContent = percent + "%";
    phase.textContent = text;
  }

  function fail(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
    button.disabled = false;
    box.hidden = true;
  }

  function readError(xhr) {
    try {
      return JSON.parse(xhr.responseText).error.message;
    } catch (e) {
      return "The upload failed (HTTP " + xhr.status + "). Try again.";
    }
  }

  function describe(p) {
    return p.rowsDone + " rows read: " + p.rowsOk + " imported, " + p.rowsFailed + " refused.";
  }

  // poll follows the import's progress until it is done or failed.
  function poll(url) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status !== 200) {
        fail(readError(xhr));
        return;
      }
      var p = JSON.parse(xhr.responseText);
      counts.textContent = describe(p);
      link.firstElementChild.href = p.url;
      if (p.done) {
        show(p.status === "done" ? 100 : p.percent, p.status === "done" ? "Import done." : "Import failed: " + (p.error || "see the import."));
        link.hidden = false;
        button.disabled = false;
        return;
      }
      show(p.percent, p.status === "running" ? "Importing… " + p.percent + "%" : "Waiting for the import to start…");
      window.setTimeout(function () { poll(url); }, 1000);
    };
    xhr.onerror = function () {
      window.setTimeout(function () { poll(url); }, 2000);
    };
    xhr.send();
  }

  form.addEventListener("submit", function (ev) {
    var file = input.files && input.files[0];
    if (!file) {
      return; // the browser's own check says a file is needed
    }
    ev.preventDefault();
    var type = contentType(file.name);
    if (!type) {
      fail("The file must be CSV (.csv) or NDJSON (.ndjson or .jsonl).");
      return;
    }
    alertBox.hidden = true;
    button.disabled = true;
    box.hidden = false;
    link.hidden = true;
    counts.textContent = "";
    show(0, "Uploading…");

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-raw") + "?filename=" + encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", type);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var pct = Math.floor(e.loaded * 100 / e.total);
        show(pct, "Uploading… " + pct + "%");
      }
    };
    xhr.onload = function () {
      if (xhr.status !== 202) {
        fail(readError(xhr));
        return;
      }
      var p = JSON.parse(xhr.responseText);
      show(0, "Uploaded. Waiting for the import to start…");
      poll(p.url + "/progress");
    };
    xhr.onerror = function () {
      fail("The upload was cut off. Check the connection and try again.");
    };
    xhr.send(file);
  });
})();
