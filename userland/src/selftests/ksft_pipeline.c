#include "kselftest.h"
int main(void)
{
	ksft_print_header();
	ksft_set_plan(1);
	ksft_test_result_skip("placeholder", "todo");
	ksft_finished();
}
