/* wavebench collectives' check data: inputs, their reductions as period tables, host fill
 * and check. */
#include "wavebench/coll_data.h"

#include "wavebench/config.h"

size_t wb_coll_data_type_size(int dtype)
{
    static const size_t sizes[WB_DTYPE_COUNT] = {4, 8, 4, 8};
    return sizes[dtype];
}

int wb_coll_data_kind(int reduction, int nranks)
{
    if (!reduction)
        return WB_COLL_DATA_MOVED;
    return nranks > WB_COLL_DATA_WIDE_RANKS ? WB_COLL_DATA_REDUCED_MANY : WB_COLL_DATA_REDUCED;
}

int64_t wb_coll_data_input(int rank, int nranks, size_t i, unsigned salt, int kind)
{
    size_t j = (i + salt) % WB_COLL_DATA_PERIOD;
    switch (kind) {
    case WB_COLL_DATA_REDUCED: /* the ranks a permutation of 0..nranks-1 at every element */
        return 2049 + 8 * (int64_t)j +
               4 * (int64_t)(((size_t)rank + 7u * j) % (size_t)(nranks > 0 ? nranks : 1));
    case WB_COLL_DATA_REDUCED_MANY:
        return 1 + 2 * (int64_t)j + (int64_t)(((size_t)rank * 7u + j * 13u) % WB_COLL_DATA_PERIOD);
    default: return 32 * (int64_t)rank + 1 + (int64_t)((j * 13u) % WB_COLL_DATA_PERIOD);
    }
}

void wb_coll_data_tabulate(struct wb_coll_data_period *out, int op, int src, int nranks,
                           unsigned salt, int kind)
{
    int reduced = kind == WB_COLL_DATA_MOVED ? WB_COLL_DATA_REDUCED : kind;
    for (size_t i = 0; i < WB_COLL_DATA_PERIOD; i++) {
        if (op < 0) {
            out->v[i] = wb_coll_data_input(src, nranks, i, salt, kind);
            continue;
        }
        int64_t acc = wb_coll_data_input(0, nranks, i, salt, reduced);
        for (int r = 1; r < nranks; r++) {
            int64_t v = wb_coll_data_input(r, nranks, i, salt, reduced);
            acc = op == WB_REDOP_SUM ? acc + v : op == WB_REDOP_MIN ? (v < acc ? v : acc)
                                                                     : (v > acc ? v : acc);
        }
        out->v[i] = acc;
    }
}

void wb_coll_data_never(struct wb_coll_data_period *out)
{
    for (size_t i = 0; i < WB_COLL_DATA_PERIOD; i++)
        out->v[i] = WB_COLL_DATA_NEVER;
}

#define FILL_AS(T)                                                   \
    do {                                                             \
        T *q = buf;                                                  \
        for (size_t k = 0; k < n; k++)                               \
            q[k] = (T)p->v[(offset + k) % WB_COLL_DATA_PERIOD];      \
    } while (0)

void wb_coll_data_fill(void *buf, int dtype, const struct wb_coll_data_period *p, size_t offset,
                       size_t n)
{
    switch (dtype) {
    case WB_DTYPE_INT32: FILL_AS(int32_t); break;
    case WB_DTYPE_INT64: FILL_AS(int64_t); break;
    case WB_DTYPE_FLOAT: FILL_AS(float); break;
    default: FILL_AS(double); break;
    }
}

#define COUNT_WRONG_AS(T)                                                \
    do {                                                                 \
        const T *q = buf;                                                \
        for (size_t k = 0; k < n; k++)                                   \
            wrong += q[k] != (T)p->v[(offset + k) % WB_COLL_DATA_PERIOD]; \
    } while (0)

int64_t wb_coll_data_count_wrong(const void *buf, int dtype, const struct wb_coll_data_period *p,
                                 size_t offset, size_t n)
{
    int64_t wrong = 0;
    switch (dtype) {
    case WB_DTYPE_INT32: COUNT_WRONG_AS(int32_t); break;
    case WB_DTYPE_INT64: COUNT_WRONG_AS(int64_t); break;
    case WB_DTYPE_FLOAT: COUNT_WRONG_AS(float); break;
    default: COUNT_WRONG_AS(double); break;
    }
    return wrong;
}
