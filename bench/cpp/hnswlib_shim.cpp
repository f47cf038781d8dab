// hnswlib's C++ search as a shared library, for bench's paired mode (io.hnswj.bench.PairedBench): the
// JVM calls it through the FFM API and alternates it with our engine chunk by chunk on one thread, so
// that both are timed under the same machine conditions. Built by bench/run.sh with the driver's flags
// (g++ -O3 -march=native, Debian's libhnswlib-dev headers) plus -shared -fPIC.
//
// Only what the paired mode needs: load a saved index (hnswlib's format, from either engine), set ef,
// and answer queries one searchKnn call each, exactly as hnswlib_driver's single-query pass does
// (cosine: each query normalised in the loop, as hnswlib's Python binding does).
#include <hnswlib/hnswlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Shim {
  std::unique_ptr<hnswlib::SpaceInterface<float>> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  int dim = 0;
  bool cosine = false;
  std::vector<float> scratch;
};

}  // namespace

extern "C" {

// The index saved at `path` for `space` ("l2", "ip" or "cosine") and `dim`; null (and a message on
// stderr) if it cannot be loaded.
void* shim_load(const char* space, int dim, const char* path) {
  try {
    auto shim = std::make_unique<Shim>();
    std::string name(space);
    if (name == "l2") {
      shim->space.reset(new hnswlib::L2Space(dim));
    } else if (name == "ip" || name == "cosine") {
      shim->space.reset(new hnswlib::InnerProductSpace(dim));
    } else {
      fprintf(stderr, "hnswlib_shim: unknown space %s\n", space);
      return nullptr;
    }
    shim->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(shim->space.get(), std::string(path));
    shim->dim = dim;
    shim->cosine = name == "cosine";
    shim->scratch.resize(dim);
    return shim.release();
  } catch (const std::exception& e) {
    fprintf(stderr, "hnswlib_shim: %s\n", e.what());
    return nullptr;
  }
}

void shim_set_ef(void* handle, int64_t ef) {
  static_cast<Shim*>(handle)->index->setEf(ef);
}

// Queries [from, to) of the row-major `queries` (dim floats each), one searchKnn call per query; the k
// results of query q go to labels/distances[q * k ...], nearest first. Returns the number of queries
// that had fewer than k results (their missing slots are left as they were).
int64_t shim_search_each(void* handle, const float* queries, int64_t from, int64_t to, int k,
                         uint64_t* labels, float* distances) {
  Shim& s = *static_cast<Shim*>(handle);
  int64_t short_results = 0;
  for (int64_t q = from; q < to; q++) {
    const float* query = queries + q * s.dim;
    if (s.cosine) {  // hnswlib's Python normalisation: x * (1 / (sqrt(sum x^2) + 1e-30))
      float norm = 0;
      for (int i = 0; i < s.dim; i++) norm += query[i] * query[i];
      norm = 1.0f / (std::sqrt(norm) + 1e-30f);
      for (int i = 0; i < s.dim; i++) s.scratch[i] = query[i] * norm;
      query = s.scratch.data();
    }
    auto result = s.index->searchKnn(query, k);
    if (result.size() != static_cast<size_t>(k)) short_results++;
    for (int j = static_cast<int>(result.size()) - 1; j >= 0; j--) {
      labels[q * k + j] = result.top().second;
      distances[q * k + j] = result.top().first;
      result.pop();
    }
  }
  return short_results;
}

void shim_free(void* handle) {
  delete static_cast<Shim*>(handle);
}

}  // extern "C"
