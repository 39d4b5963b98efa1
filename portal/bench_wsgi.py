"""What gunicorn serves in the benchmark: the project's WSGI application, counting its queries.

Each response carries `X-Query-Count`, the number of SQL statements the request ran. Django
calls `start_response` after the view and the middleware are done, so the count is complete.
Only bench/run.py serves this module (`portal.bench_wsgi:application`); production serves
`config.wsgi`.
"""

from django.db import connection

from config.wsgi import application as django_application


def application(environ, start_response):
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    def start_response_counted(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Query-Count", str(count))], exc_info)

    with connection.execute_wrapper(counter):
        return django_application(environ, start_response_counted)
