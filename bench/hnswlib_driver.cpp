// hnswlib's C++ (Debian's libhnswlib-dev headers, compiled -O3 -march=native by bench/run.sh) on a
// workload: build time, single-query QPS at 1 thread, batch QPS at 2 threads, recall@10.
// Usage: hnswlib_driver DIR M EF_CONSTRUCTION BUILD_THREADS EF...   Prints one JSON line per ef.
#include <hnswlib/hnswlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

static std::vector<float> read_vecs(const std::string& path, int& dim, size_t& rows) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  size_t bytes = in.tellg();
  in.seekg(0);
  int d;
  in.read(reinterpret_cast<char*>(&d), 4);
  dim = d;
  rows = bytes / (4 * (d + 1));
  std::vector<float> out(rows * d);
  in.seekg(0);
  for (size_t i = 0; i < rows; i++) {
    in.read(reinterpret_cast<char*>(&d), 4);
    in.read(reinterpret_cast<char*>(&out[i * dim]), 4 * dim);
  }
  return out;
}

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <class F>
static void parallel(size_t n, int threads, F f) {
  std::atomic<size_t> next(0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++)
    pool.emplace_back([&] { for (size_t i; (i = next++) < n;) f(i); });
  for (auto& t : pool) t.join();
}

int main(int argc, char** argv) {
  std::string dir = argv[1];
  int m = std::stoi(argv[2]), efc = std::stoi(argv[3]), build_threads = std::stoi(argv[4]);
  int dim, qdim, gdim;
  size_t n, nq, ng;
  std::vector<float> base = read_vecs(dir + "/base.fvecs", dim, n);
  std::vector<float> queries = read_vecs(dir + "/query.fvecs", qdim, nq);
  std::vector<float> gt_raw = read_vecs(dir + "/gt.ivecs", gdim, ng);
  const int* gt = reinterpret_cast<const int*>(gt_raw.data());
  hnswlib::L2Space space(dim);
  hnswlib::HierarchicalNSW<float> index(&space, n, m, efc, 100);
  double t0 = now();
  index.addPoint(base.data(), 0);
  parallel(n - 1, build_threads, [&](size_t i) { index.addPoint(&base[(i + 1) * dim], i + 1); });
  double build = now() - t0;
  for (int a = 5; a < argc; a++) {
    int ef = std::stoi(argv[a]);
    index.setEf(ef);
    std::vector<std::vector<size_t>> found(nq);
    index.metric_distance_computations = 0;
    double s0 = now();
    for (size_t q = 0; q < nq; q++) {
      auto r = index.searchKnn(&queries[q * dim], 10);
      while (!r.empty()) { found[q].push_back(r.top().second); r.pop(); }
    }
    double single = now() - s0;
    long distances = index.metric_distance_computations;
    double b0 = now();
    parallel(nq, 2, [&](size_t q) { index.searchKnn(&queries[q * dim], 10); });
    double batch2 = now() - b0;
    size_t hits = 0;
    for (size_t q = 0; q < nq; q++) {
      std::set<size_t> truth(gt + q * gdim, gt + q * gdim + 10);
      for (size_t l : found[q]) hits += truth.count(l);
    }
    printf("{\"engine\":\"hnswlib-c++-native\",\"ef\":%d,\"build_s\":%.3f,\"build_threads\":%d,"
           "\"qps_1t\":%.1f,\"qps_2t\":%.1f,\"recall\":%.4f,\"dist_per_query\":%.1f}\n",
           ef, build, build_threads, nq / single, nq / batch2, hits / (10.0 * nq), (double)distances / nq);
  }
  return 0;
}
