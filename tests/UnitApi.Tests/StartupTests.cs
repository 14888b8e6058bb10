using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.UnitApi.Tests;

public class StartupTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("dev-factory-token", "a-real-label-key-long-enough-to-pass", "a-real-debug-key-long-enough-to-pass")]
    [InlineData("a-real-factory-token-long-enough-to-pass", "dev-label-key", "a-real-debug-key-long-enough-to-pass")]
    [InlineData("a-real-factory-token-long-enough-to-pass", "a-real-label-key-long-enough-to-pass", null)]
    [InlineData("a-real-token-but-only-31-chars-", "a-real-label-key-long-enough-to-pass", "a-real-debug-key-long-enough-to-pass")]
    [InlineData("a-real-factory-token-long-enough-to-pass", "one-key-for-two-roles-is-refused-too", "one-key-for-two-roles-is-refused-too")]
    public async Task Outside_development_the_service_refuses_missing_dev_short_or_shared_keys(string? token, string? label, string? debug)
    {
        var database = await TestServers.CreateDatabaseAsync("startup");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("ConnectionStrings:factorydb", database);
            web.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
            web.UseSetting("Credentials:Key", Convert.ToBase64String(new byte[32]));
            if (token is not null) web.UseSetting("FactoryKeys:FactoryToken", token);
            if (label is not null) web.UseSetting("FactoryKeys:LabelKey", label);
            if (debug is not null) web.UseSetting("FactoryKeys:DebugKey", debug);
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.IsType<OptionsValidationException>(error.GetBaseException());
    }

    [Fact]
    public async Task An_unknown_factory_time_zone_stops_the_service_at_start()
    {
        var database = await TestServers.CreateDatabaseAsync("startup");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:factorydb", database);
            web.UseSetting("ConnectionStrings:messaging", TestServers.RabbitMq);
            web.UseSetting("UnitApi:TimeZone", "Europe/Atlantis");
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("UnitApi:TimeZone", Assert.IsType<OptionsValidationException>(error.GetBaseException()).Message);
    }
}
