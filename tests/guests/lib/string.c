/* What the compiler calls for struct copies and array initialisers; there is no libc. */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

void *memcpy(void *d, const void *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)d)[i] = ((const uint8_t *)s)[i];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)d)[i] = (uint8_t)c;
	return d;
}
