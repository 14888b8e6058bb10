using System.Net;

namespace PrivateBox.Factory.Gateway;

/// <summary>
/// At the factory the gateway binds the server's LAN address: HTTP on "Gateway:HttpUrl" and HTTPS on
/// "Gateway:HttpsUrl" with the certificate at "Gateway:Certificate:Path" (PFX, optional password).
/// Without these settings the addresses Aspire or launchSettings give are used (http://localhost:5250).
/// </summary>
public static class FactoryBindings
{
    public static WebApplicationBuilder ConfigureFactoryBindings(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Gateway");
        var http = section["HttpUrl"];
        var https = section["HttpsUrl"];
        if (string.IsNullOrEmpty(http) && string.IsNullOrEmpty(https)) return builder;

        var certPath = section["Certificate:Path"];
        var certPassword = section["Certificate:Password"];
        if (!string.IsNullOrEmpty(https) && string.IsNullOrEmpty(certPath))
            throw new InvalidOperationException("Gateway:HttpsUrl is set but Gateway:Certificate:Path is not.");

        // Explicit bindings replace ASPNETCORE_URLS; the address the AppHost assigned stays bound as well, since its
        // health check and the print station's service discovery use it.
        var assigned = (builder.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in assigned) Listen(kestrel, url, null, null);
            if (!string.IsNullOrEmpty(http)) Listen(kestrel, http, null, null);
            if (!string.IsNullOrEmpty(https)) Listen(kestrel, https, certPath, certPassword);
        });
        return builder;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string url, string? certPath, string? certPassword)
    {
        var uri = new Uri(url);
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure = listen =>
        {
            if (certPath is not null) listen.UseHttps(certPath, certPassword);
        };
        if (uri.IsLoopback && uri.Host == "localhost") { kestrel.ListenLocalhost(uri.Port, configure); return; }
        var address = uri.Host is "*" or "+" or "0.0.0.0" ? IPAddress.Any : IPAddress.Parse(uri.Host);
        kestrel.Listen(address, uri.Port, configure);
    }
}
