#ifndef SPACEPANDA_CARGON2_SHIM_H
#define SPACEPANDA_CARGON2_SHIM_H
#include <argon2.h>
static const uint32_t spacepanda_ARGON2_DEFAULT_FLAGS = ARGON2_DEFAULT_FLAGS;
#endif
