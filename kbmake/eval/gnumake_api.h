// GNU make's loaded-object API (its <gnumake.h>, 4.3), as kbmake exports it to plugins
// (C and C++).
// The declarations are ABI-identical to GNU make's header, so a plugin compiled against
// /usr/include/gnumake.h runs unchanged; kbmake's executable exports exactly these symbols
// (kbmake/gnumake.dynlist).
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/// A makefile position as a plugin sees it (GNU make's gmk_floc).
typedef struct {
  const char* filenm;
  unsigned long lineno;
} gmk_floc;

/// A function registered with gmk_add_function: gets its name, the argument count and the
/// arguments (argv[argc] is null); returns null or a string from gmk_alloc, which make frees.
typedef char* (*gmk_func_ptr)(const char* nm, unsigned int argc, char** argv);

/// Frees a string returned by gmk_expand.
void gmk_free(char* str);
/// Allocates `len` bytes that make may free (a loaded function's result).
char* gmk_alloc(unsigned int len);
/// Evaluates `buffer` as makefile text, as $(eval) does; `floc` (may be null: the current
/// reading position) locates its errors.
void gmk_eval(const char* buffer, const gmk_floc* floc);
/// Expands `str`; the result must be freed with gmk_free.
char* gmk_expand(const char* str);
/// Registers make function `name` (at most 255 characters: letters, digits, '_', '-', '.',
/// not first) taking `min_args`..`max_args` arguments (0: no maximum; both at most 255).
/// `flags` GMK_FUNC_NOEXPAND: the arguments are passed unexpanded.
void gmk_add_function(const char* name, gmk_func_ptr func, unsigned int min_args,
                      unsigned int max_args, unsigned int flags);

#ifdef __cplusplus
}  // extern "C"
#endif

#define GMK_FUNC_DEFAULT 0x00
#define GMK_FUNC_NOEXPAND 0x01
