from django.test import TestCase


class HealthCheckTests(TestCase):
    def test_health_check(self):
        response = self.client.get("/api/health-check")
        self.assertEqual(response.status_code, 200)
