//===- ConformanceRunner.cpp - the ONNX backend node tests through kiln ---===//
//
//   kiln-conformance DIR [--filter SUBSTR] [--expectations FILE]
//                        [--write-expectations FILE] [--target P1,P2]
//                        [--jobs N] [--timeout SECONDS] [--quiet]
//
// For each test folder of DIR (model.onnx + test_data_set_N/{input,output}_K.pb)
// the runner imports, optimizes, compiles an artifact, loads it through the
// runtime, runs every data set on the chosen plugin and compares each output
// with the reference: f32/f64/f16 within rtol 1e-3 + atol 1e-4, integers and
// bool exactly, NaN matches NaN. Each test runs in its own process, so a
// crash or a hang is reported as that test's failure. One line per test,
// then "N passed, N failed, N skipped".
//
// With --expectations FILE (lines "test<TAB>pass|fail|unsupported"), the run
// fails when a test expected to pass does not (a regression) and when a test
// not expected to pass now passes (record it with --write-expectations).
//
//===----------------------------------------------------------------------===//
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/onnx/OnnxProto.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/MappedFile.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Options {
  std::string dir, filter, expectations, writeExpectations, target = "reference";
  std::string pluginDir;
  int jobs = 1, timeout = 120;
  bool quiet = false;
};

enum class Status { Pass, Fail, Unsupported };
const char *statusName(Status s) {
  return s == Status::Pass ? "pass" : s == Status::Fail ? "fail" : "unsupported";
}

struct Result {
  Status status = Status::Fail;
  std::string detail;
};

bool isDir(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool exists(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> out;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      if (e->d_name[0] != '.')
        out.push_back(e->d_name);
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Unsupported-feature messages (the import or partitioning refused the
/// model for a known reason) as opposed to wrong behaviour.
bool looksUnsupported(const std::string &msg) {
  for (const char *p : {"unsupported", "not supported", "is not a tensor", "custom domain",
                        "must be tensor of"})
    if (msg.find(p) != std::string::npos)
      return true;
  return false;
}

bool readTensor(const std::string &path, kiln::Tensor &out, std::string &error) {
  auto file = kiln::MappedFile::open(path, &error);
  if (!file)
    return false;
  kiln::onnx::TensorProto t;
  if (!kiln::onnx::parseTensor(file->data(), file->size(), t, error)) {
    error = path + ": " + error;
    return false;
  }
  if (kiln::artifact::dtypeSize(t.data_type) == 0) {
    error = std::string("unsupported: data type ") + kiln::onnx::dataTypeName(t.data_type);
    return false;
  }
  std::vector<uint8_t> storage;
  kiln::onnx::Bytes bytes;
  if (!kiln::onnx::tensorData(t, storage, bytes, error)) {
    error = path + ": " + error;
    return false;
  }
  out = kiln::Tensor::allocate(t.data_type, std::vector<int64_t>(t.dims.begin(), t.dims.end()));
  if (out.byteSize() != bytes.size) {
    error = path + ": size mismatch";
    return false;
  }
  if (bytes.size) // an empty tensor's data may be null
    std::memcpy(out.data(), bytes.data, bytes.size);
  return true;
}

double halfToDouble(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0)
    v = std::ldexp(double(mant), -24);
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = std::ldexp(double(mant | 0x400), int(exp) - 25);
  return sign ? -v : v;
}

double valueAt(const kiln::Tensor &t, int64_t k) {
  switch (t.dtype()) {
  case 1: return t.as<float>()[k];
  case 11: return t.as<double>()[k];
  case 10: return halfToDouble(t.as<uint16_t>()[k]);
  case 16: {
    uint32_t bits = uint32_t(t.as<uint16_t>()[k]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  case 2: case 9: return t.as<uint8_t>()[k];
  case 3: return t.as<int8_t>()[k];
  case 4: return t.as<uint16_t>()[k];
  case 5: return t.as<int16_t>()[k];
  case 6: return t.as<int32_t>()[k];
  case 7: return double(t.as<int64_t>()[k]);
  case 12: return t.as<uint32_t>()[k];
  case 13: return double(t.as<uint64_t>()[k]);
  default: return NAN;
  }
}

/// Old test data (ONNX < 1.14, as in Debian's libonnx-testdata) stores
/// bfloat16 tensors as UINT16: same bytes, other tag.
kiln::Tensor retagBf16(const kiln::Tensor &t, int32_t expected) {
  if (!(expected == 16 && t.dtype() == 4))
    return t;
  kiln::Tensor r = kiln::Tensor::allocate(16, t.shape());
  std::memcpy(r.data(), t.data(), t.byteSize());
  return r;
}

bool isFloat(int32_t d) { return d == 1 || d == 10 || d == 11 || d == 16; }

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "scalar" : out;
}

/// Compares one output; false with a description of the largest error.
bool compare(const kiln::Tensor &got, const kiln::Tensor &want, std::string &why) {
  if (got.dtype() != want.dtype()) {
    why = std::string("dtype ") + kiln::artifact::dtypeName(got.dtype()) + ", expected " +
          kiln::artifact::dtypeName(want.dtype());
    return false;
  }
  if (got.shape() != want.shape()) {
    why = "shape " + shapeStr(got.shape()) + ", expected " + shapeStr(want.shape());
    return false;
  }
  bool fl = isFloat(got.dtype());
  double worst = 0;
  int64_t worstAt = -1, bad = 0;
  bool exactInts = !fl && (got.dtype() == 7 || got.dtype() == 13);
  for (int64_t k = 0; k < got.numElements(); ++k) {
    if (exactInts) { // compare 64-bit integers bit for bit
      if (std::memcmp(static_cast<const char *>(got.data()) + 8 * k,
                      static_cast<const char *>(want.data()) + 8 * k, 8) != 0) {
        ++bad;
        if (worstAt < 0)
          worstAt = k;
      }
      continue;
    }
    double x = valueAt(got, k), y = valueAt(want, k);
    if (std::isnan(x) && std::isnan(y))
      continue;
    if (std::isinf(y) && x == y)
      continue;
    double err = std::fabs(x - y);
    bool ok = fl ? err <= 1e-4 + 1e-3 * std::fabs(y) : x == y;
    if (!ok || std::isnan(err)) {
      ++bad;
      if (!(err <= worst) || worstAt < 0) {
        worst = err;
        worstAt = k;
      }
    }
  }
  if (bad) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%lld of %lld values differ; largest error %.4g at %lld (got %.6g, expected %.6g)",
                  (long long)bad, (long long)got.numElements(), worst, (long long)worstAt,
                  valueAt(got, worstAt), valueAt(want, worstAt));
    why = buf;
    return false;
  }
  return true;
}

Result runTest(const Options &opt, const std::string &name, const std::string &tmpDir) {
  std::string dir = opt.dir + "/" + name;
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.disableMultithreading();
  std::string error;
  auto module = kiln::onnx::importModelFile(ctx, dir + "/model.onnx", error);
  if (!module)
    return {looksUnsupported(error) ? Status::Unsupported : Status::Fail, "import: " + error};
  mlir::PassManager pm(&ctx);
  kiln::buildOptimizationPipeline(pm, 2);
  std::string diag;
  {
    mlir::ScopedDiagnosticHandler h(&ctx, [&](mlir::Diagnostic &d) {
      diag += d.str() + "; ";
      return mlir::success();
    });
    if (mlir::failed(pm.run(*module)))
      return {Status::Fail, "optimize: " + diag};
  }
  std::string artifact = tmpDir + "/" + name + ".kiln";
  kiln::ExportOptions eo;
  // --target a,b: partition across the plugins in that order, with fallback.
  for (size_t s0 = 0; s0 <= opt.target.size();) {
    size_t c = opt.target.find(',', s0);
    std::string one = opt.target.substr(s0, c == std::string::npos ? std::string::npos : c - s0);
    if (!one.empty())
      eo.targets.push_back(one);
    if (c == std::string::npos)
      break;
    s0 = c + 1;
  }
  if (!opt.pluginDir.empty())
    eo.pluginPaths = {opt.pluginDir};
  eo.allowFallback = eo.targets.size() > 1;
  std::string report;
  if (!kiln::exportArtifact(*module, artifact, eo, report, error))
    return {looksUnsupported(error) || error.find("cannot hold") != std::string::npos
                ? Status::Unsupported
                : Status::Fail,
            "compile: " + error};
  kiln::Runtime::Options ro;
  if (!opt.pluginDir.empty())
    ro.pluginPaths = {opt.pluginDir};
  kiln::Runtime rt(ro);
  auto model = rt.load(artifact, error);
  ::unlink(artifact.c_str());
  if (!model)
    return {Status::Fail, "load: " + error};
  auto inputs = model->inputs();
  int sets = 0;
  for (const std::string &sub : listDir(dir)) {
    if (sub.rfind("test_data_set_", 0) != 0)
      continue;
    std::string setDir = dir + "/" + sub;
    std::map<std::string, kiln::Tensor> feed;
    for (size_t k = 0; k < inputs.size(); ++k) {
      kiln::Tensor t;
      std::string path = setDir + "/input_" + std::to_string(k) + ".pb";
      if (!readTensor(path, t, error))
        return {looksUnsupported(error) ? Status::Unsupported : Status::Fail, error};
      feed[inputs[k].name] = retagBf16(t, inputs[k].dtype);
    }
    std::vector<kiln::Tensor> outputs;
    kiln::Session session(*model);
    if (!session.run(feed, outputs, error))
      return {looksUnsupported(error) ? Status::Unsupported : Status::Fail,
              sub + ": run: " + error};
    for (size_t k = 0; k < outputs.size(); ++k) {
      kiln::Tensor want;
      std::string path = setDir + "/output_" + std::to_string(k) + ".pb";
      if (!readTensor(path, want, error))
        return {looksUnsupported(error) ? Status::Unsupported : Status::Fail, error};
      std::string why;
      if (!compare(outputs[k], retagBf16(want, outputs[k].dtype()), why))
        return {Status::Fail, sub + ": output " + std::to_string(k) + ": " + why};
    }
    ++sets;
  }
  if (sets == 0)
    return {Status::Fail, "no test_data_set_* folders"};
  return {Status::Pass, ""};
}

/// Runs one test in a child process; a crash or timeout is a failure.
struct Child {
  pid_t pid;
  int fd;
  std::string name, out;
  time_t start;
};

Child spawn(const Options &opt, const std::string &name, const std::string &tmpDir) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(2);
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Result r = runTest(opt, name, tmpDir);
    std::string line = std::string(statusName(r.status)) + "\t" + r.detail;
    for (char &c : line)
      if (c == '\n')
        c = ' ';
    (void)!write(fds[1], line.data(), line.size());
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  return {pid, fds[0], name, "", time(nullptr)};
}

Result finish(Child &c, bool timedOut) {
  int status = 0;
  if (timedOut) {
    kill(c.pid, SIGKILL);
    waitpid(c.pid, &status, 0);
    close(c.fd);
    return {Status::Fail, "timed out"};
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(c.fd, buf, sizeof buf)) > 0)
    c.out.append(buf, size_t(n));
  close(c.fd);
  waitpid(c.pid, &status, 0);
  if (WIFSIGNALED(status))
    return {Status::Fail, std::string("crashed: ") + strsignal(WTERMSIG(status))};
  size_t tab = c.out.find('\t');
  if (tab == std::string::npos)
    return {Status::Fail, "the test process died without a result"};
  std::string s = c.out.substr(0, tab);
  return {s == "pass" ? Status::Pass : s == "unsupported" ? Status::Unsupported : Status::Fail,
          c.out.substr(tab + 1)};
}

} // namespace

int main(int argc, char **argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kiln-conformance: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--filter") opt.filter = next();
    else if (a == "--expectations") opt.expectations = next();
    else if (a == "--write-expectations") opt.writeExpectations = next();
    else if (a == "--target") opt.target = next();
    else if (a == "--plugin-path") opt.pluginDir = next();
    else if (a == "--jobs") opt.jobs = std::max(1, std::atoi(next().c_str()));
    else if (a == "--timeout") opt.timeout = std::max(1, std::atoi(next().c_str()));
    else if (a == "--quiet") opt.quiet = true;
    else if (a[0] == '-') {
      std::fprintf(stderr, "kiln-conformance: unknown option %s\n", a.c_str());
      return 2;
    } else opt.dir = a;
  }
  if (opt.dir.empty()) {
    std::fprintf(stderr, "usage: kiln-conformance DIR [--filter S] [--expectations F] "
                         "[--write-expectations F] [--target P] [--jobs N]\n");
    return 2;
  }
  if (!isDir(opt.dir)) {
    std::printf("SKIPPED: conformance data not found at %s\n", opt.dir.c_str());
    std::printf("0 passed, 0 failed, 0 skipped\n");
    return 0;
  }
  std::vector<std::string> tests;
  for (const std::string &t : listDir(opt.dir))
    if (exists(opt.dir + "/" + t + "/model.onnx") &&
        (opt.filter.empty() || t.find(opt.filter) != std::string::npos))
      tests.push_back(t);

  char tmpl[] = "/tmp/kiln-conformance-XXXXXX";
  std::string tmpDir = mkdtemp(tmpl);
  std::map<std::string, Result> results;
  std::vector<Child> running;
  size_t next = 0;
  while (next < tests.size() || !running.empty()) {
    while (running.size() < size_t(opt.jobs) && next < tests.size())
      running.push_back(spawn(opt, tests[next++], tmpDir));
    std::vector<pollfd> fds;
    for (auto &c : running)
      fds.push_back({c.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 200);
    for (size_t i = 0; i < running.size();) {
      Child &c = running[i];
      bool done = false, timedOut = time(nullptr) - c.start > opt.timeout;
      if (fds.size() > i && (fds[i].revents & (POLLIN | POLLHUP))) {
        char buf[4096];
        ssize_t n = read(c.fd, buf, sizeof buf);
        if (n > 0)
          c.out.append(buf, size_t(n));
        else
          done = true;
      }
      if (done || timedOut) {
        Result r = finish(c, timedOut && !done);
        if (!opt.quiet || r.status == Status::Fail)
          std::printf("%-11s %s%s%s\n",
                      r.status == Status::Pass ? "PASS" : r.status == Status::Fail ? "FAIL" : "UNSUPPORTED",
                      c.name.c_str(), r.detail.empty() ? "" : ": ", r.detail.substr(0, 400).c_str());
        std::fflush(stdout);
        results[c.name] = r;
        running.erase(running.begin() + long(i));
        fds.erase(fds.begin() + long(i));
      } else {
        ++i;
      }
    }
  }
  rmdir(tmpDir.c_str());

  int passed = 0, failed = 0, skipped = 0;
  for (auto &[n, r] : results)
    (r.status == Status::Pass ? passed : r.status == Status::Fail ? failed : skipped)++;

  int rc = 0;
  if (!opt.writeExpectations.empty()) {
    std::ofstream f(opt.writeExpectations);
    f << "# kiln conformance expectations: test<TAB>pass|fail|unsupported\n"
         "# regenerate: kiln-conformance DIR --write-expectations FILE\n";
    for (auto &[n, r] : results)
      f << n << "\t" << statusName(r.status) << "\n";
  }
  if (!opt.expectations.empty()) {
    std::ifstream f(opt.expectations);
    if (!f) {
      std::fprintf(stderr, "kiln-conformance: cannot read %s\n", opt.expectations.c_str());
      return 2;
    }
    std::map<std::string, std::string> expected;
    for (std::string line; std::getline(f, line);) {
      if (line.empty() || line[0] == '#')
        continue;
      size_t tab = line.find('\t');
      if (tab != std::string::npos)
        expected[line.substr(0, tab)] = line.substr(tab + 1);
    }
    int regressions = 0, improvements = 0;
    for (auto &[n, r] : results) {
      auto it = expected.find(n);
      std::string want = it == expected.end() ? "(not listed)" : it->second;
      std::string got = statusName(r.status);
      if (want == "pass" && got != "pass") {
        std::printf("REGRESSION  %s: expected pass, got %s\n", n.c_str(), got.c_str());
        ++regressions;
      } else if (want != "pass" && got == "pass") {
        std::printf("NEWLY PASSING %s: expected %s (record it in %s)\n", n.c_str(), want.c_str(),
                    opt.expectations.c_str());
        ++improvements;
      }
    }
    if (regressions || improvements) {
      std::printf("expectations: %d regressions, %d newly passing\n", regressions, improvements);
      rc = 1;
    } else {
      std::printf("expectations: all %zu results as recorded\n", results.size());
    }
  }
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return rc;
}
