#ifndef AKANA_CEPOLL_SHIM_H
#define AKANA_CEPOLL_SHIM_H
/// Linux's event APIs, which Swift's Glibc module does not export: epoll(7) and eventfd(2), and
/// accept4(2). Only declarations: nothing is compiled or linked beyond the C library.
///
/// accept4 is a GNU extension that <sys/socket.h> declares only under _GNU_SOURCE, and defining
/// that here would give fd_set & co. other definitions than Swift's Glibc module has (a module
/// conflict), so its prototype is written out as glibc declares it.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
#endif
