/* OpenBLAS is loaded at run time (dlopen), not linked: Debian's OpenBLAS 0.3.21 picks its kernel when the
 * library is loaded, reads OPENBLAS_CORETYPE only then, and does not recognise recent CPUs (it falls back to
 * the SSE3 "Prescott" kernel, 4x slower at sgemm). Loading it ourselves lets the BLAS target choose the
 * core type first. Only types come from cblas.h; calls go through the function pointers below. */
#include <cblas.h>
#include <dlfcn.h>
#include <stddef.h>

typedef void (*cblasshim_sgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                                   blasint, blasint, blasint, float, const float *, blasint,
                                   const float *, blasint, float, float *, blasint);
typedef void (*cblasshim_sgemv_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, blasint, blasint, float, const float *,
                                   blasint, const float *, blasint, float, float *, blasint);
typedef float (*cblasshim_sdot_fn)(blasint, const float *, blasint, const float *, blasint);
typedef float (*cblasshim_snrm2_fn)(blasint, const float *, blasint);
typedef void (*cblasshim_sscal_fn)(blasint, float, float *, blasint);
typedef void (*cblasshim_set_threads_fn)(int);
typedef char *(*cblasshim_corename_fn)(void);

typedef struct {
    void *handle;
    cblasshim_sgemm_fn sgemm;
    cblasshim_sgemv_fn sgemv;
    cblasshim_sdot_fn sdot;
    cblasshim_snrm2_fn snrm2;
    cblasshim_sscal_fn sscal;
    cblasshim_set_threads_fn set_num_threads;
    cblasshim_corename_fn corename;
} cblasshim_library;

static inline cblasshim_library cblasshim_open(const char *path) {
    cblasshim_library lib = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    lib.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib.handle == NULL) return lib;
    lib.sgemm = (cblasshim_sgemm_fn)dlsym(lib.handle, "cblas_sgemm");
    lib.sgemv = (cblasshim_sgemv_fn)dlsym(lib.handle, "cblas_sgemv");
    lib.sdot = (cblasshim_sdot_fn)dlsym(lib.handle, "cblas_sdot");
    lib.snrm2 = (cblasshim_snrm2_fn)dlsym(lib.handle, "cblas_snrm2");
    lib.sscal = (cblasshim_sscal_fn)dlsym(lib.handle, "cblas_sscal");
    lib.set_num_threads = (cblasshim_set_threads_fn)dlsym(lib.handle, "openblas_set_num_threads");
    lib.corename = (cblasshim_corename_fn)dlsym(lib.handle, "openblas_get_corename");
    return lib;
}

static inline const char *cblasshim_dlerror(void) {
    const char *message = dlerror();
    return message ? message : "unknown error";
}
