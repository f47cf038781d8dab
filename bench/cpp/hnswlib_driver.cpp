// hnswlib's C++ on a bench workload: the reference every other engine is compared with.
// Built by bench/run.sh from Debian's libhnswlib-dev headers: g++ -O3 -march=native (AVX2 here).
//
// Usage: hnswlib_driver --data DIR --space l2|ip|cosine [--m 16] [--efc 200] [--build-threads 1]
//          [--ks 10] [--efs 10,20] [--queries N] [--repeats 3] [--warmups 1] [--batch-threads 1,2]
//          [--min-window 0.5] [--engine NAME] [--workload NAME] [--tmp DIR] [--save FILE] [--index FILE]
// Prints one JSON line per (k, ef) on stdout; the fields are documented in bench/README.md.
// --save FILE keeps the built index there; --index FILE loads a saved index (hnswlib's format, from any
// engine) instead of building one, so that engines can be timed on the very same graph (build_s is then
// the load).
//
// What is timed, the same way in every driver of bench/:
//   build_s        adding all base rows with --build-threads threads (cosine: normalising included);
//                  build_cpu_s: the CPU seconds of the process over the same span;
//   qps_single     one searchKnn call per query on 1 thread, results copied out (qps_single_cpu: by the
//                  thread's CPU time, which time slices lost to other processes do not inflate);
//   qps_batch_<T>t the whole query set split over T threads (hnswlib's Python ParallelFor; T=1 runs
//                  on the calling thread), results copied into k-wide rows;
// each the median of --repeats passes after --warmups warm-up passes. A pass goes over the query set
// as many times as it takes to last --min-window seconds and counts the time per query set (one set
// at a low ef is a few ms, too short to time alone). Distance evaluations (exact, by
// a counting wrapper around the distance function) and hops (hnswlib's metric_hops) come from one
// extra untimed 1-thread pass, which also gives the results for recall.
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <time.h>
#include <thread>
#include <unistd.h>
#include <unordered_set>
#include <vector>

namespace {

struct Matrix {
  size_t rows = 0;
  int dim = 0;
  std::vector<float> data;  // int32 for .ivecs, read as raw bits
  const float* row(size_t i) const { return &data[i * dim]; }
};

Matrix read_vecs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  in.seekg(0, std::ios::end);
  size_t bytes = in.tellg();
  in.seekg(0);
  Matrix m;
  in.read(reinterpret_cast<char*>(&m.dim), 4);
  m.rows = bytes / (4 * (static_cast<size_t>(m.dim) + 1));
  m.data.resize(m.rows * m.dim);
  in.seekg(0);
  for (size_t i = 0; i < m.rows; i++) {
    int d;
    in.read(reinterpret_cast<char*>(&d), 4);
    if (d != m.dim) throw std::runtime_error("ragged rows in " + path);
    in.read(reinterpret_cast<char*>(&m.data[i * m.dim]), 4L * m.dim);
  }
  return m;
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_seconds(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Seconds per run of `run`, run again until `min_seconds` have passed (at least once).
template <typename Run>
double timed_window(double min_seconds, Run run) {
  const double start = now();
  int runs = 0;
  double elapsed;
  do {
    run();
    runs++;
    elapsed = now() - start;
  } while (elapsed < min_seconds);
  return elapsed / runs;
}

long rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// hnswlib's ParallelFor: an atomic row counter; one thread runs inline.
template <class F>
void parallel_for(size_t n, int threads, F f) {
  if (threads <= 1) {
    for (size_t i = 0; i < n; i++) f(i);
    return;
  }
  std::atomic<size_t> next(0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) f(i);
    });
  for (auto& t : pool) t.join();
}

// hnswlib's Python normalisation: x * (1 / (sqrt(sum x^2) + 1e-30)), in float32.
void normalise(const float* in, float* out, int dim) {
  float norm = 0;
  for (int i = 0; i < dim; i++) norm += in[i] * in[i];
  norm = 1.0f / (std::sqrt(norm) + 1e-30f);
  for (int i = 0; i < dim; i++) out[i] = in[i] * norm;
}

// Distance evaluations, counted exactly: for one untimed pass the index's distance function is swapped
// for this wrapper (hnswlib 0.6.2's metric_distance_computations adds the whole neighbour-list size
// per expanded node, visited neighbours included, so it overstates the evaluations).
hnswlib::DISTFUNC<float> counted_function = nullptr;
std::atomic<long> evaluations(0);
float counting_distance(const void* a, const void* b, const void* param) {
  evaluations.fetch_add(1, std::memory_order_relaxed);
  return counted_function(a, b, param);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<int> int_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(std::stoi(item));
  return out;
}

// recall@k as every driver in bench/ computes it: a returned label counts if it is among the exact
// k nearest, or if its distance ties the k-th exact distance (duplicates in real data sets).
double recall(const std::vector<size_t>& labels, const std::vector<float>& dists, size_t nq, int k,
              const Matrix& gt, const Matrix& gt_dist) {
  const int* gt_ids = reinterpret_cast<const int*>(gt.data.data());
  size_t hits = 0;
  for (size_t q = 0; q < nq; q++) {
    std::unordered_set<size_t> truth(gt_ids + q * gt.dim, gt_ids + q * gt.dim + k);
    float kth = gt_dist.data[q * gt_dist.dim + k - 1];
    float tie = kth + 1e-5f * std::fabs(kth) + 1e-6f;
    for (int j = 0; j < k; j++) {
      size_t label = labels[q * k + j];
      if (label == SIZE_MAX) continue;
      if (truth.count(label) || dists[q * k + j] <= tie) hits++;
    }
  }
  return static_cast<double>(hits) / (static_cast<double>(nq) * k);
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {
      {"m", "16"}, {"efc", "200"}, {"build-threads", "1"}, {"ks", "10"}, {"efs", "10"},
      {"queries", "0"}, {"repeats", "3"}, {"warmups", "1"}, {"batch-threads", "1,2"},
      {"min-window", "0.5"}, {"engine", "hnswlib-cpp-native"}, {"workload", ""}, {"tmp", "/tmp"}, {"space", "l2"}};
  for (int a = 1; a + 1 < argc; a += 2) {
    std::string key = argv[a];
    if (key.rfind("--", 0) != 0) {
      fprintf(stderr, "unexpected argument %s\n", argv[a]);
      return 2;
    }
    opt[key.substr(2)] = argv[a + 1];
  }
  if (!opt.count("data")) {
    fprintf(stderr, "usage: hnswlib_driver --data DIR --space l2|ip|cosine [options]\n");
    return 2;
  }
  const std::string dir = opt["data"], space_name = opt["space"];
  const int m = std::stoi(opt["m"]), efc = std::stoi(opt["efc"]);
  const int build_threads = std::stoi(opt["build-threads"]), repeats = std::stoi(opt["repeats"]);
  const int warmups = std::stoi(opt["warmups"]);
  const std::vector<int> ks = int_list(opt["ks"]), efs = int_list(opt["efs"]);
  const std::vector<int> batch_threads = int_list(opt["batch-threads"]);
  const double min_window = std::stod(opt["min-window"]);

  Matrix base = read_vecs(dir + "/base.fvecs");
  Matrix queries = read_vecs(dir + "/query.fvecs");
  Matrix gt = read_vecs(dir + "/gt.ivecs");
  Matrix gt_dist = read_vecs(dir + "/gt_dist.fvecs");
  const int dim = base.dim;
  const size_t n = base.rows;
  size_t nq = std::stoul(opt["queries"]);
  if (nq == 0 || nq > queries.rows) nq = queries.rows;
  const bool cosine = space_name == "cosine";

  std::unique_ptr<hnswlib::SpaceInterface<float>> space;
  if (space_name == "l2")
    space.reset(new hnswlib::L2Space(dim));
  else if (space_name == "ip" || cosine)
    space.reset(new hnswlib::InnerProductSpace(dim));
  else {
    fprintf(stderr, "unknown space %s\n", space_name.c_str());
    return 2;
  }

  long rss0 = rss_bytes();
  double t0 = now(), c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  if (opt.count("index")) {
    index = std::make_unique<hnswlib::HierarchicalNSW<float>>(space.get(), opt["index"], false, n);
  } else {
    index = std::make_unique<hnswlib::HierarchicalNSW<float>>(space.get(), n, m, efc, 100);
    parallel_for(n, build_threads, [&](size_t i) {
      if (cosine) {
        std::vector<float> v(dim);
        normalise(base.row(i), v.data(), dim);
        index->addPoint(v.data(), i);
      } else {
        index->addPoint(base.row(i), i);
      }
    });
  }
  const double build_s = now() - t0;
  const double build_cpu_s = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
  const double mem_per_vector = static_cast<double>(rss_bytes() - rss0) / n;

  std::string file = opt["tmp"] + "/hnswlib_driver." + std::to_string(getpid()) + ".bin";
  index->saveIndex(file);
  struct stat st;
  stat(file.c_str(), &st);
  const double disk_per_vector = static_cast<double>(st.st_size) / n;
  if (opt.count("save")) {
    if (rename(file.c_str(), opt["save"].c_str()) != 0) {
      perror(("cannot move the index to " + opt["save"]).c_str());
      return 1;
    }
  } else {
    unlink(file.c_str());
  }

  for (int k : ks) {
    for (int ef : efs) {
      index->setEf(ef);
      std::vector<size_t> labels(nq * k, SIZE_MAX);
      std::vector<float> dists(nq * k, 0);
      auto search_one = [&](size_t q, std::vector<float>& scratch) {
        const float* query = queries.row(q);
        if (cosine) {
          normalise(query, scratch.data(), dim);
          query = scratch.data();
        }
        auto result = index->searchKnn(query, k);
        if (result.size() != static_cast<size_t>(k)) throw std::runtime_error("fewer than k results");
        for (int j = k - 1; j >= 0; j--) {
          labels[q * k + j] = result.top().second;
          dists[q * k + j] = result.top().first;
          result.pop();
        }
      };
      double last_cpu = 0;  // thread CPU seconds per query set of the last single pass
      auto single_set = [&] {
        std::vector<float> scratch(dim);
        for (size_t q = 0; q < nq; q++) search_one(q, scratch);
      };
      auto single_pass = [&] {
        double c = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
        int sets = 0;
        double seconds = timed_window(min_window, [&] { single_set(); sets++; });
        last_cpu = (cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - c) / sets;
        return seconds;
      };
      auto batch_pass = [&](int threads) {
        return timed_window(min_window, [&] {
          parallel_for(nq, threads, [&](size_t q) {
            thread_local std::vector<float> scratch;
            scratch.resize(dim);
            search_one(q, scratch);
          });
        });
      };
      // untimed pass with counters: hnswlib's own (hops) and the counting distance wrapper
      index->metric_distance_computations = 0;
      index->metric_hops = 0;
      counted_function = index->fstdistfunc_;
      index->fstdistfunc_ = counting_distance;
      evaluations = 0;
      single_set();
      index->fstdistfunc_ = counted_function;
      const double dist_per_query = static_cast<double>(evaluations) / nq;
      const double hops_per_query = static_cast<double>(index->metric_hops) / nq;
      const double listed_per_query = static_cast<double>(index->metric_distance_computations) / nq;
      const double rec = recall(labels, dists, nq, k, gt, gt_dist);
      for (int w = 0; w < warmups; w++) {
        single_pass();
        for (int t : batch_threads) batch_pass(t);
      }
      std::vector<double> single, single_cpu;
      std::map<int, std::vector<double>> batch;
      for (int r = 0; r < repeats; r++) {
        single.push_back(single_pass());
        single_cpu.push_back(last_cpu);
        for (int t : batch_threads) batch[t].push_back(batch_pass(t));
      }
      printf("{\"engine\":\"%s\",\"workload\":\"%s\",\"space\":\"%s\",\"n\":%zu,\"dim\":%d,\"nq\":%zu,"
             "\"m\":%d,\"efc\":%d,\"build_threads\":%d,\"k\":%d,\"ef\":%d,\"build_s\":%.3f,"
             "\"build_cpu_s\":%.3f,\"qps_single\":%.1f,\"qps_single_cpu\":%.1f",
             opt["engine"].c_str(), opt["workload"].c_str(), space_name.c_str(), n, dim, nq, m, efc,
             build_threads, k, ef, build_s, build_cpu_s, nq / median(single), nq / median(single_cpu));
      for (int t : batch_threads) printf(",\"qps_batch_%dt\":%.1f", t, nq / median(batch[t]));
      printf(",\"recall\":%.4f,\"dist_per_query\":%.1f,\"hops_per_query\":%.1f,"
             "\"listed_per_query\":%.1f,\"mem_bytes_per_vector\":%.1f,\"mem_source\":\"rss delta\","
             "\"disk_bytes_per_vector\":%.1f,\"repeats\":%d,\"min_window_s\":%.2f,"
             "\"impl\":\"Debian libhnswlib-dev 0.6.2, g++ %s -O3 -march=native\"}\n",
             rec, dist_per_query, hops_per_query, listed_per_query, mem_per_vector, disk_per_vector,
             repeats, min_window, __VERSION__);
      fflush(stdout);
    }
  }
  return 0;
}
