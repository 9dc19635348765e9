/* fpmix.c: a double-precision CPU benchmark of three kernels: an n-body simulation (the
 * Benchmarks Game's five Jovian planets: fmul/fadd chains, fsqrt, fdiv), a dense matrix
 * multiply (loads and fused multiply-adds) and the spectral-norm power iteration (int→double
 * conversion, fdiv, long dot products). Sized for ~1-3 s under qemu-riscv64.
 * Prints one value per kernel and a bit-exact checksum of all of them: every runner executes
 * the same instructions on the same data with IEEE rounding, so results must match exactly. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits_of(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

/* --- 1. n-body -------------------------------------------------------------------------- */
enum { nbody_bodies = 5, nbody_steps = 600000 };
static const double solar_mass = 4 * 3.141592653589793 * 3.141592653589793;
static const double days_per_year = 365.24;

struct body {
	double x, y, z, vx, vy, vz, mass;
};

static struct body bodies[nbody_bodies] = {
	{ 0, 0, 0, 0, 0, 0, 1 }, /* sun; masses are scaled in nbody_init */
	{ 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
	  1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
	  9.54791938424326609e-04 },
	{ 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
	  -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
	  2.85885980666130812e-04 },
	{ 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
	  2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
	  4.36624404335156298e-05 },
	{ 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
	  2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
	  5.15138902046611451e-05 },
};

static void nbody_init(void)
{
	double px = 0, py = 0, pz = 0;

	for (int i = 1; i < nbody_bodies; i++) {
		struct body *b = &bodies[i];

		b->vx *= days_per_year;
		b->vy *= days_per_year;
		b->vz *= days_per_year;
		b->mass *= solar_mass;
	}
	bodies[0].mass = solar_mass;
	for (int i = 0; i < nbody_bodies; i++) {
		px += bodies[i].vx * bodies[i].mass;
		py += bodies[i].vy * bodies[i].mass;
		pz += bodies[i].vz * bodies[i].mass;
	}
	bodies[0].vx = -px / solar_mass;
	bodies[0].vy = -py / solar_mass;
	bodies[0].vz = -pz / solar_mass;
}

static double nbody_energy(void)
{
	double e = 0;

	for (int i = 0; i < nbody_bodies; i++) {
		struct body *a = &bodies[i];

		e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
		for (int j = i + 1; j < nbody_bodies; j++) {
			struct body *b = &bodies[j];
			double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;

			e -= a->mass * b->mass / sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

static void nbody_advance(double dt)
{
	for (int i = 0; i < nbody_bodies; i++) {
		struct body *a = &bodies[i];

		for (int j = i + 1; j < nbody_bodies; j++) {
			struct body *b = &bodies[j];
			double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * sqrt(d2));

			a->vx -= dx * b->mass * mag;
			a->vy -= dy * b->mass * mag;
			a->vz -= dz * b->mass * mag;
			b->vx += dx * a->mass * mag;
			b->vy += dy * a->mass * mag;
			b->vz += dz * a->mass * mag;
		}
	}
	for (int i = 0; i < nbody_bodies; i++) {
		bodies[i].x += dt * bodies[i].vx;
		bodies[i].y += dt * bodies[i].vy;
		bodies[i].z += dt * bodies[i].vz;
	}
}

static double bench_nbody(double *start)
{
	nbody_init();
	*start = nbody_energy();
	for (int s = 0; s < nbody_steps; s++)
		nbody_advance(0.01);
	return nbody_energy();
}

/* --- 2. dense matrix multiply ----------------------------------------------------------- */
enum { mm_n = 160, mm_reps = 4 };
static double mm_a[mm_n][mm_n], mm_b[mm_n][mm_n], mm_c[mm_n][mm_n];

static double bench_matmul(void)
{
	double trace = 0;

	for (int i = 0; i < mm_n; i++)
		for (int j = 0; j < mm_n; j++) {
			mm_a[i][j] = 1.0 / (double)(i + j + 1); /* Hilbert-like, well scaled */
			mm_b[i][j] = (double)((i * 7 + j * 13) % 17) - 8.0;
		}
	for (int rep = 0; rep < mm_reps; rep++) {
		/* i-k-j order: the inner loop streams rows of b and c. */
		for (int i = 0; i < mm_n; i++) {
			for (int j = 0; j < mm_n; j++)
				mm_c[i][j] = 0;
			for (int k = 0; k < mm_n; k++) {
				double aik = mm_a[i][k];

				for (int j = 0; j < mm_n; j++)
					mm_c[i][j] += aik * mm_b[k][j];
			}
		}
		for (int i = 0; i < mm_n; i++)
			mm_a[i][i] += mm_c[i][(i + rep) % mm_n] * 1e-6;
	}
	for (int i = 0; i < mm_n; i++)
		trace += mm_c[i][i];
	return trace;
}

/* --- 3. spectral norm ------------------------------------------------------------------- */
enum { sn_n = 300, sn_iters = 10 };
static double sn_u[sn_n], sn_v[sn_n], sn_t[sn_n];

static double sn_a(int i, int j)
{
	return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

static void sn_mul_av(const double *x, double *y)
{
	for (int i = 0; i < sn_n; i++) {
		double s = 0;

		for (int j = 0; j < sn_n; j++)
			s += sn_a(i, j) * x[j];
		y[i] = s;
	}
}

static void sn_mul_atv(const double *x, double *y)
{
	for (int i = 0; i < sn_n; i++) {
		double s = 0;

		for (int j = 0; j < sn_n; j++)
			s += sn_a(j, i) * x[j];
		y[i] = s;
	}
}

static void sn_mul_atav(const double *x, double *y)
{
	sn_mul_av(x, sn_t);
	sn_mul_atv(sn_t, y);
}

static double bench_spectral(void)
{
	double vbv = 0, vv = 0;

	for (int i = 0; i < sn_n; i++)
		sn_u[i] = 1.0;
	for (int i = 0; i < sn_iters; i++) {
		sn_mul_atav(sn_u, sn_v);
		sn_mul_atav(sn_v, sn_u);
	}
	for (int i = 0; i < sn_n; i++) {
		vbv += sn_u[i] * sn_v[i];
		vv += sn_v[i] * sn_v[i];
	}
	return sqrt(vbv / vv);
}

int main(void)
{
	double e0, e1 = bench_nbody(&e0);
	double tr = bench_matmul();
	double sn = bench_spectral();
	uint64_t sum = bits_of(e0) ^ (bits_of(e1) << 1) ^ (bits_of(tr) << 2) ^ (bits_of(sn) << 3);

	printf("nbody    %.9f -> %.9f\n", e0, e1);
	printf("matmul   %.12e\n", tr);
	printf("spectral %.9f\n", sn);
	printf("checksum %016" PRIx64 "\n", sum);
	return 0;
}
