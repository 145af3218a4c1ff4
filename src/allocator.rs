//! Bounds on what the C allocator keeps (glibc's malloc, which Rust's default allocator uses on
//! Linux): one arena per core instead of eight, and blocks over 128 KiB mapped on their own and
//! handed back to the system when freed, with the heap trimmed above 128 KiB free.
//!
//! Why (measured, issue 14, docs/benchmarks.md): with glibc's defaults every thread that ever
//! allocated keeps its own arena's high-water mark, and after the first 19 MiB Argon2 buffer
//! is freed glibc raises its mmap threshold to 19 MiB, so each password-hashing thread keeps one
//! such buffer for good. Over the benchmark the server's peak RSS was 138 MiB with the defaults;
//! with the thresholds it stays at 65 MiB or less with one arena per core (two here) and 55 MiB
//! with a single arena, which however cost the 64-client files mix a quarter of its
//! throughput, so one per core it is. `MALLOC_ARENA_MAX=1` trades that throughput for memory.
//!
//! `MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_` and `MALLOC_TRIM_THRESHOLD_` in the environment
//! still win: a setting given there is left alone.

/// Applies the bounds. Call first thing in `main`, before any other thread exists.
pub fn bound() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const KIB_128: libc::c_int = 128 * 1024;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        let settings = [
            ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, arenas),
            ("MALLOC_MMAP_THRESHOLD_", libc::M_MMAP_THRESHOLD, KIB_128),
            ("MALLOC_TRIM_THRESHOLD_", libc::M_TRIM_THRESHOLD, KIB_128),
        ];
        for (env, param, value) in settings {
            if std::env::var_os(env).is_none() {
                // SAFETY: mallopt only changes allocator tuning parameters; it is called before
                // the runtime starts its threads, and every value is in the documented range.
                unsafe {
                    libc::mallopt(param, value);
                }
            }
        }
    }
}
