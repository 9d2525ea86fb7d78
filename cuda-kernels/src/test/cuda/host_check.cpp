// Host build of the kernels' per-element code (the same headers nvcc compiles), driven by
// HostBuildTest: it reads commands with test vectors on stdin and prints results on stdout, one
// line per command, which the test compares with Java (WeightEncoding, Epilogue,
// ReferenceBackend). Launch commands run a whole grid the way the GPU would: block by block,
// each phase between two barriers for all 256 threads before the next phase, with every buffer
// (shared-memory tiles included) allocated at its exact size so AddressSanitizer, when the test
// enables it, catches any read or write past an edge. Each launch runs twice, into outputs
// pre-filled with 0x00 and with 0xFF bytes, and must give the same result both times: an output
// the grid never writes cannot hide behind a lucky initial value.
//
// Commands (numbers are decimal ints; floats travel as their IEEE bit patterns):
//   unpack BITS NWORDS word...                 -> the 16/8/4 signed codes of every word
//   quantize LEVELS N y...                     -> ak_quantize(y, LEVELS)
//   finish N (acc scale bias resBits res outBits)...  -> ak_finish of each record
//   lowbit gemm|gemv BITS MB GX GY shape[14] weights in scale bias resBits [res] outBits -> output
//   convf32 GX shape[14] inBits weights in scale bias resBits [res] outBits              -> output
//   sgemm M N K GX GY a w scale bias           -> c
//   pool BITS BATCH C HW CLASSES in w scale bias -> logits
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <type_traits>
#include <vector>

#include "ak_float.h"
#include "ak_gemm_tiles.h"
#include "ak_gemv_lanes.h"

namespace {

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "host_check: %s\n", what);
    exit(2);
}

int read_int() {
    long long v;
    if (scanf("%lld", &v) != 1) fail("expected a number");
    return int(v);
}

float read_float() {
    const int bits = read_int();
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

int float_bits(float f) {
    int bits;
    memcpy(&bits, &f, 4);
    return bits;
}

/** A heap buffer of exactly n elements (malloc, so ASan guards both ends). */
template <typename T>
struct Buffer {
    T* data;
    int n;
    explicit Buffer(int count) : data(static_cast<T*>(malloc(sizeof(T) * (count > 0 ? count : 1)))), n(count) {
        if (!data) fail("out of memory");
    }
    ~Buffer() { free(data); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
};

template <typename T>
void read_into(Buffer<T>& b) {
    for (int i = 0; i < b.n; i++) {
        if constexpr (std::is_floating_point<T>::value) b.data[i] = read_float();
        else b.data[i] = T(read_int());
    }
}

AkConvShape read_shape() {
    int v[14];
    for (int& x : v) x = read_int();
    AkConvShape s;
    memcpy(&s, v, sizeof s); // the same 14 ints, in the same order, that Java passes to the kernel
    return s;
}

/** The layer's output (codes or floats) and residual as read from the command. */
struct Tensors {
    int out_size;
    int residual_bits;
    Buffer<uint8_t>* res_codes = nullptr;
    Buffer<float>* res_floats = nullptr;
    int out_bits;

    Tensors(int n) : out_size(n) {
        residual_bits = read_int();
        if (residual_bits > 0) {
            res_codes = new Buffer<uint8_t>(n);
            read_into(*res_codes);
        } else if (residual_bits == 0) {
            res_floats = new Buffer<float>(n);
            read_into(*res_floats);
        }
        out_bits = read_int();
    }
    ~Tensors() {
        delete res_codes;
        delete res_floats;
    }
    const void* residual() const {
        return res_codes ? static_cast<const void*>(res_codes->data) : static_cast<const void*>(res_floats ? res_floats->data : nullptr);
    }
    size_t out_bytes() const { return size_t(out_size) * (out_bits > 0 ? 1 : 4); }
};

/** Runs launch(out) into a 0x00- and a 0xFF-filled output, checks both agree, prints the output. */
template <typename Launch>
void run_twice_and_print(const Tensors& t, Launch launch) {
    const size_t bytes = t.out_bytes();
    Buffer<uint8_t> a{static_cast<int>(bytes)}, b{static_cast<int>(bytes)};
    memset(a.data, 0x00, bytes);
    memset(b.data, 0xFF, bytes);
    launch(static_cast<void*>(a.data));
    launch(static_cast<void*>(b.data));
    if (memcmp(a.data, b.data, bytes) != 0) fail("the launch left some outputs unwritten");
    std::string line;
    char num[16];
    for (int i = 0; i < t.out_size; i++) {
        int v;
        if (t.out_bits > 0) v = a.data[i];
        else memcpy(&v, a.data + 4 * i, 4);
        snprintf(num, sizeof num, "%d ", v);
        line += num;
    }
    puts(line.c_str());
}

template <int BITS>
void emulate_gemm(const AkConvShape& s, const uint32_t* w, const uint8_t* in, const AkEpilogue& e, int gx, int gy) {
    using Tile = ak_gemm::Tile<BITS>;
    Buffer<uint32_t> acts(Tile::ACT_WORDS), weights(Tile::WEIGHT_WORDS);
    std::vector<int> acc(ak_gemm::THREADS * ak_gemm::TM * ak_gemm::TN);
    auto acc_of = [&](int tid) { return reinterpret_cast<int(*)[ak_gemm::TN]>(&acc[tid * ak_gemm::TM * ak_gemm::TN]); };
    for (int by = 0; by < gy; by++) {
        for (int bx = 0; bx < gx; bx++) {
            const int p0 = bx * ak_gemm::BM, n0 = by * ak_gemm::BN;
            std::fill(acc.begin(), acc.end(), 0);
            for (int t = 0; t < ak_gemm::k_tiles(s); t++) {
                for (int tid = 0; tid < ak_gemm::THREADS; tid++) {
                    ak_gemm::load_weights<BITS>(s, w, n0, t, tid, weights.data);
                    ak_gemm::load_acts<BITS>(s, in, p0, t, tid, acts.data);
                }
                for (int tid = 0; tid < ak_gemm::THREADS; tid++) ak_gemm::multiply<BITS>(acts.data, weights.data, tid, acc_of(tid));
            }
            for (int tid = 0; tid < ak_gemm::THREADS; tid++) ak_gemm::store(s, e, p0, n0, tid, acc_of(tid));
        }
    }
}

template <int BITS, int MB>
void emulate_gemv(const AkConvShape& s, const uint32_t* w, const uint8_t* in, const AkEpilogue& e, int gx, int gy) {
    for (int by = 0; by < gy; by++) {
        for (int bx = 0; bx < gx; bx++) {
            for (int warp = 0; warp < ak_gemv::WARPS; warp++) {
                const int o = bx * ak_gemv::WARPS + warp;
                if (o >= s.out_c) continue;
                const int m0 = by * MB;
                int total[MB] = {};
                for (int lane = 0; lane < 32; lane++) {
                    int acc[MB] = {};
                    ak_gemv::lane_partial<BITS, MB>(s, w, in, o, m0, lane, acc);
                    for (int m = 0; m < MB; m++) total[m] = ak_wrap_add(total[m], acc[m]); // the shuffle reduction
                }
                for (int m = 0; m < MB; m++)
                    if (m0 + m < s.pixels) ak_gemv::finish(s, e, o, m0 + m, total[m]);
            }
        }
    }
}

template <int BITS>
void emulate_gemv_rows(int mb, const AkConvShape& s, const uint32_t* w, const uint8_t* in, const AkEpilogue& e, int gx, int gy) {
    switch (mb) {
        case 1: emulate_gemv<BITS, 1>(s, w, in, e, gx, gy); break;
        case 2: emulate_gemv<BITS, 2>(s, w, in, e, gx, gy); break;
        case 4: emulate_gemv<BITS, 4>(s, w, in, e, gx, gy); break;
        case 8: emulate_gemv<BITS, 8>(s, w, in, e, gx, gy); break;
        case 16: emulate_gemv<BITS, 16>(s, w, in, e, gx, gy); break;
        default: fail("no gemv kernel for that many rows");
    }
}

void cmd_unpack() {
    const int bits = read_int(), n = read_int();
    std::string line;
    char num[8];
    for (int i = 0; i < n; i++) {
        const uint32_t word = uint32_t(read_int());
        const int groups = 8 / bits;
        for (int g = 0; g < groups; g++) {
            uint32_t q = 0;
            if (bits == 2) q = ak_unpack_group<2>(word, g);
            else if (bits == 4) q = ak_unpack_group<4>(word, g);
            else if (bits == 8) q = ak_unpack_group<8>(word, g);
            else fail("bits must be 2, 4 or 8");
            for (int b = 0; b < 4; b++) {
                snprintf(num, sizeof num, "%d ", int(int8_t(uint8_t(q >> (8 * b)))));
                line += num;
            }
        }
    }
    puts(line.c_str());
}

void cmd_quantize() {
    const int levels = read_int(), n = read_int();
    std::string line;
    char num[16];
    for (int i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%d ", ak_quantize(read_float(), levels));
        line += num;
    }
    puts(line.c_str());
}

void cmd_finish() {
    const int n = read_int();
    std::string line;
    char num[16];
    for (int i = 0; i < n; i++) {
        const float acc = read_float(), scale = read_float(), bias = read_float();
        const int res_bits = read_int();
        const int res_raw = read_int();
        const int out_bits = read_int();
        float res_float;
        memcpy(&res_float, &res_raw, 4);
        const uint8_t res_code = uint8_t(res_raw);
        const void* res = res_bits > 0 ? static_cast<const void*>(&res_code) : static_cast<const void*>(&res_float);
        uint8_t out_code = 0;
        float out_float = 0;
        void* out = out_bits > 0 ? static_cast<void*>(&out_code) : static_cast<void*>(&out_float);
        ak_finish(AkEpilogue{&scale, &bias, res, res_bits, out, out_bits}, acc, 0, 0);
        snprintf(num, sizeof num, "%d ", out_bits > 0 ? int(out_code) : float_bits(out_float));
        line += num;
    }
    puts(line.c_str());
}

void cmd_lowbit() {
    char kind[8];
    if (scanf("%7s", kind) != 1) fail("expected gemm or gemv");
    const int bits = read_int(), mb = read_int(), gx = read_int(), gy = read_int();
    const AkConvShape s = read_shape();
    Buffer<uint32_t> w(s.out_c * s.row_words);
    for (int i = 0; i < w.n; i++) w.data[i] = uint32_t(read_int());
    Buffer<uint8_t> in(s.batch * s.in_c * s.in_h * s.in_w);
    read_into(in);
    Buffer<float> scale(s.out_c), bias(s.out_c);
    read_into(scale);
    read_into(bias);
    Tensors t(s.batch * s.out_c * s.out_h * s.out_w);
    const bool gemm = strcmp(kind, "gemm") == 0;
    if (!gemm && strcmp(kind, "gemv") != 0) fail("expected gemm or gemv");
    run_twice_and_print(t, [&](void* out) {
        const AkEpilogue e{scale.data, bias.data, t.residual(), t.residual_bits, out, t.out_bits};
        if (gemm && bits == 2) emulate_gemm<2>(s, w.data, in.data, e, gx, gy);
        else if (gemm && bits == 4) emulate_gemm<4>(s, w.data, in.data, e, gx, gy);
        else if (gemm && bits == 8) emulate_gemm<8>(s, w.data, in.data, e, gx, gy);
        else if (bits == 2) emulate_gemv_rows<2>(mb, s, w.data, in.data, e, gx, gy);
        else if (bits == 4) emulate_gemv_rows<4>(mb, s, w.data, in.data, e, gx, gy);
        else if (bits == 8) emulate_gemv_rows<8>(mb, s, w.data, in.data, e, gx, gy);
        else fail("bits must be 2, 4 or 8");
    });
}

void cmd_convf32() {
    const int gx = read_int();
    const AkConvShape s = read_shape();
    const int in_bits = read_int();
    Buffer<float> w(s.out_c * s.depth);
    read_into(w);
    const int in_size = s.batch * s.in_c * s.in_h * s.in_w;
    Buffer<uint8_t> in_codes(in_bits > 0 ? in_size : 0);
    Buffer<float> in_floats(in_bits > 0 ? 0 : in_size);
    if (in_bits > 0) read_into(in_codes);
    else read_into(in_floats);
    Buffer<float> scale(s.out_c), bias(s.out_c);
    read_into(scale);
    read_into(bias);
    Tensors t(s.batch * s.out_c * s.out_h * s.out_w);
    const void* in = in_bits > 0 ? static_cast<const void*>(in_codes.data) : static_cast<const void*>(in_floats.data);
    run_twice_and_print(t, [&](void* out) {
        const AkEpilogue e{scale.data, bias.data, t.residual(), t.residual_bits, out, t.out_bits};
        for (int bx = 0; bx < gx; bx++)
            for (int tid = 0; tid < 256; tid++) {
                const int idx = bx * 256 + tid;
                if (idx < t.out_size) ak_conv_f32_output(s, w.data, in, in_bits, e, idx);
            }
    });
}

void cmd_sgemm() {
    const int M = read_int(), N = read_int(), K = read_int(), gx = read_int(), gy = read_int();
    Buffer<float> a(M * K), w(N * K), scale(N), bias(N);
    read_into(a);
    read_into(w);
    read_into(scale);
    read_into(bias);
    Buffer<float> as(ak_sgemm::BK * ak_sgemm::BM), ws(ak_sgemm::BK * ak_sgemm::BN);
    std::vector<float> acc(ak_sgemm::THREADS * ak_sgemm::TM * ak_sgemm::TN);
    auto acc_of = [&](int tid) { return reinterpret_cast<float(*)[ak_sgemm::TN]>(&acc[tid * ak_sgemm::TM * ak_sgemm::TN]); };
    auto launch = [&](void* out) {
        for (int by = 0; by < gy; by++)
            for (int bx = 0; bx < gx; bx++) {
                const int m0 = bx * ak_sgemm::BM, n0 = by * ak_sgemm::BN;
                std::fill(acc.begin(), acc.end(), 0.0f);
                for (int t = 0; t < (K + ak_sgemm::BK - 1) / ak_sgemm::BK; t++) {
                    for (int tid = 0; tid < ak_sgemm::THREADS; tid++) ak_sgemm::load(M, N, K, a.data, w.data, m0, n0, t, tid, as.data, ws.data);
                    for (int tid = 0; tid < ak_sgemm::THREADS; tid++) ak_sgemm::multiply(as.data, ws.data, tid, acc_of(tid));
                }
                for (int tid = 0; tid < ak_sgemm::THREADS; tid++)
                    ak_sgemm::store(M, N, scale.data, bias.data, static_cast<float*>(out), m0, n0, tid, acc_of(tid));
            }
    };
    Buffer<float> c0(M * N), c1(M * N);
    memset(c0.data, 0x00, sizeof(float) * M * N);
    memset(c1.data, 0xFF, sizeof(float) * M * N);
    launch(c0.data);
    launch(c1.data);
    if (memcmp(c0.data, c1.data, sizeof(float) * M * N) != 0) fail("the launch left some outputs unwritten");
    std::string line;
    char num[16];
    for (int i = 0; i < M * N; i++) {
        snprintf(num, sizeof num, "%d ", float_bits(c0.data[i]));
        line += num;
    }
    puts(line.c_str());
}

void cmd_pool() {
    const int bits = read_int(), batch = read_int(), channels = read_int(), hw = read_int(), classes = read_int();
    const int in_size = batch * channels * hw;
    Buffer<uint8_t> in_codes(bits > 0 ? in_size : 0);
    Buffer<float> in_floats(bits > 0 ? 0 : in_size);
    if (bits > 0) read_into(in_codes);
    else read_into(in_floats);
    Buffer<float> w(classes * channels), scale(classes), bias(classes);
    read_into(w);
    read_into(scale);
    read_into(bias);
    const void* in = bits > 0 ? static_cast<const void*>(in_codes.data) : static_cast<const void*>(in_floats.data);
    Buffer<float> pooled(channels), logits(batch * classes);
    std::string line;
    char num[16];
    for (int b = 0; b < batch; b++) { // one block per image: pool, barrier, classify
        for (int c = 0; c < channels; c++) pooled.data[c] = ak_pool::channel_mean(in, bits, channels, hw, b, c);
        for (int o = 0; o < classes; o++) logits.data[b * classes + o] = ak_pool::logit(pooled.data, w.data, channels, o, scale.data[o], bias.data[o]);
    }
    for (int i = 0; i < batch * classes; i++) {
        snprintf(num, sizeof num, "%d ", float_bits(logits.data[i]));
        line += num;
    }
    puts(line.c_str());
}

} // namespace

int main() {
    char cmd[16];
    while (scanf("%15s", cmd) == 1) {
        const std::string c(cmd);
        if (c == "unpack") cmd_unpack();
        else if (c == "quantize") cmd_quantize();
        else if (c == "finish") cmd_finish();
        else if (c == "lowbit") cmd_lowbit();
        else if (c == "convf32") cmd_convf32();
        else if (c == "sgemm") cmd_sgemm();
        else if (c == "pool") cmd_pool();
        else fail(("unknown command " + c).c_str());
        fflush(stdout);
    }
    return 0;
}
