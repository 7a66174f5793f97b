#ifndef AKANA_CMALLOC_SHIM_H
#define AKANA_CMALLOC_SHIM_H
/// glibc's mallopt(3) and malloc_trim(3), which Swift's Glibc module does not export. Only
/// declarations: nothing is compiled or linked beyond the C library. <malloc.h> itself is not
/// included, as its declarations of malloc & co. would duplicate the Glibc module's.
extern int mallopt(int param, int value);
extern int malloc_trim(unsigned long pad);
/// M_ARENA_MAX from <malloc.h>: the most malloc arenas glibc creates.
static const int akana_malloc_arena_max = -8;
#endif
