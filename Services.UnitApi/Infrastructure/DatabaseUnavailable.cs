using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace PrivateBox.Factory.Services.UnitApi.Infrastructure;

/// <summary>
/// A unit must tell "server busy" from "server gone". When PostgreSQL is down or hangs, a unit's heartbeat or report
/// is answered within the deadline ("UnitApi:DatabaseDeadline", 4 s) with 503, problem details and
/// <c>Retry-After</c>, which the unit client honours; nothing of the request is stored, so its retry stores it once.
/// The other endpoints answer 503 the same way when the database refuses them.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>The request timeout policy of the unit endpoints.</summary>
    public const string Policy = "units";
    public const int RetryAfterSeconds = 30;

    /// <param name="deadline">"UnitApi:DatabaseDeadline", 4 s by default.</param>
    public static IServiceCollection AddDatabaseUnavailable(this IServiceCollection services, TimeSpan deadline)
    {
        services.AddRequestTimeouts(o => o.AddPolicy(Policy, new RequestTimeoutPolicy
        {
            Timeout = deadline,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = http => WriteAsync(http, "The database did not answer in time."),
        }));
        services.AddExceptionHandler<Handler>();
        return services;
    }

    /// <summary>
    /// The request answers 503 at the deadline even when the database driver does not stop at its token (a multiplexed
    /// command, a command on a connection to a hung server). What the abandoned work may still store later is what the
    /// unit sent: a late heartbeat, or a report its resend then finds already stored (the same report is answered as
    /// before).
    /// </summary>
    public static RouteHandlerBuilder WithDatabaseDeadline(this RouteHandlerBuilder endpoint)
    {
        endpoint.WithRequestTimeout(Policy);
        return endpoint.AddEndpointFilter(async (context, next) => await next(context).AsTask().WaitAsync(context.HttpContext.RequestAborted));
    }

    private static Task WriteAsync(HttpContext http, string detail)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        return http.Response.WriteAsJsonAsync(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Server busy",
            Detail = $"{detail} Nothing was stored; send it again after Retry-After.",
        }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }

    private sealed class Handler(ILogger<Handler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            var cause = Causes(exception).FirstOrDefault(e => e is NpgsqlException or TimeoutException);
            if (cause is null || http.Response.HasStarted) return false;
            logger.LogWarning("{Method} {Path} answered 503: the database is unavailable ({Error})", http.Request.Method, http.Request.Path, cause.Message);
            await WriteAsync(http, "The database is unavailable.");
            return true;
        }

        private static IEnumerable<Exception> Causes(Exception? e)
        {
            for (; e is not null; e = e.InnerException) yield return e;
        }
    }
}
