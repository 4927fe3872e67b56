// Upload the file as the request body (XHR shows upload progress), then poll the job until
// the check is done and open the report. Messages come from the server as text, never HTML.
(function () {
  var form = document.getElementById("upload-form");
  var file = document.getElementById("file");
  var button = document.getElementById("submit");
  var box = document.getElementById("status");
  var bar = document.getElementById("progress");
  var stage = document.getElementById("stage");
  var error = document.getElementById("error");
  function fail(text) {
    error.textContent = text;
    stage.textContent = "";
    bar.value = 0;
    button.disabled = false;
  }
  function poll(statusUrl, reportUrl) {
    fetch(statusUrl, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (job) {
      if (job.state === "done") { stage.textContent = job.stage; window.location.href = reportUrl; return; }
      if (job.state === "failed") { fail(job.error || "检查失败 check failed"); return; }
      stage.textContent = job.stage;
      setTimeout(function () { poll(statusUrl, reportUrl); }, 400);
    }).catch(function () { fail("无法获取进度 lost contact with the server"); });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    box.hidden = false;
    error.textContent = "";
    var f = file.files[0];
    if (!f) { fail("请选择文件 Choose a file first."); return; }
    button.disabled = true;
    var clock = document.getElementById("as_of_time").value;  // a plain date is 00:00
    var asOf = document.getElementById("as_of").value + (clock ? "T" + clock : "");
    var query = "?name=" + encodeURIComponent(f.name) +
      "&policy=" + encodeURIComponent(document.getElementById("policy").value) +
      "&as_of=" + encodeURIComponent(asOf);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/jobs" + query);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.value = e.loaded / e.total;
        stage.textContent = "上传中 uploading " + Math.round(100 * e.loaded / e.total) + "%";
      }
    };
    xhr.onload = function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = {}; }
      if (xhr.status !== 202) { fail((data.error || "上传失败 upload failed") + " (HTTP " + xhr.status + ")"); return; }
      bar.value = 1;
      stage.textContent = "排队中 queued";
      poll(data.status_url, data.report_url);
    };
    xhr.onerror = function () { fail("上传失败，连接中断 The upload failed: connection lost."); };
    xhr.send(f);
  });
})();
