#ifndef SLUICE_C_SHIMS_H
#define SLUICE_C_SHIMS_H

#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// CRC-32C of `count` bytes continuing `crc`, with the processor's crc32 instruction (SSE
/// 4.2 on x86-64). Returns 1 with `*result` set, or 0 when the processor has no such
/// instruction (the caller computes it in software).
int sluice_crc32c_hardware(uint32_t crc, const void *bytes, size_t count, uint32_t *result);

/// pipe2(2) with O_CLOEXEC; Glibc declares it only under _GNU_SOURCE.
int sluice_pipe_cloexec(int fds[2]);

/// fcntl(fd, F_SETPIPE_SZ, size); returns the new size or -1 with errno set.
int sluice_set_pipe_size(int fd, int size);

/// posix_spawn_file_actions_addclosefrom_np(actions, from); returns an error code.
int sluice_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// prctl(PR_SET_PDEATHSIG, sig): the kernel sends `sig` to this process when its parent
/// thread exits. Returns 0 or -1 with errno set.
int sluice_set_parent_death_signal(int sig);

/// syncfs(2): writes back every dirty page of the file system that holds `fd`.
int sluice_syncfs(int fd);

#endif
