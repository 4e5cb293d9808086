#include <cblas.h>
/* OpenBLAS thread control: one query uses one core; we parallelise across queries instead. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
