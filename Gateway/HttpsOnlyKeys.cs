namespace PrivateBox.Factory.Gateway;

/// <summary>
/// Outside Development no key crosses the factory LAN in clear text: a request that carries one (a unit's token, a
/// station's or the admin key) over plain HTTP is refused with 403 before anything is forwarded, its body unread.
/// Anonymous status pages and downloads stay on HTTP too.
/// </summary>
public static class HttpsOnlyKeys
{
    public static WebApplication UseHttpsOnlyKeys(this WebApplication app)
    {
        if (app.Environment.IsDevelopment()) return app;
        app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps || !context.Request.Headers.ContainsKey("Authorization"))
            {
                await next(context);
                return;
            }
            context.Response.Headers.Connection = "close";
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "HTTPS required",
                detail: $"Requests with a key must use HTTPS: https://{context.Request.Host.Host}{context.Request.Path}").ExecuteAsync(context);
        });
        return app;
    }
}
