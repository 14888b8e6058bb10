using Microsoft.Extensions.Options;
using PrivateBox.Factory.Services.SwitchMonitor.Monitoring;
using PrivateBox.Factory.Services.SwitchMonitor.Outbox;
using PrivateBox.Factory.Services.SwitchMonitor.Status;
using PrivateBox.Factory.Services.SwitchMonitor.Traps;

namespace PrivateBox.Factory.Services.SwitchMonitor;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        var isDev = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<SwitchMonitorOptions>().BindConfiguration(SwitchMonitorOptions.Section)
            .Validate(o => isDev || o.Switches.Count > 0, "SwitchMonitor:Switches:0:Address must name the factory switch outside Development.")
            .Validate(o => o.Switches.All(s => !string.IsNullOrWhiteSpace(s.Address) && s.PortCount > 0), "Every switch needs an Address and a PortCount (SwitchMonitor:Switches:N:Address).")
            .Validate(o => o.Switches.Select(s => s.Id).Distinct().Count() == o.Switches.Count, "Switch ids must be unique.")
            .Validate(o => o.StationPollInterval > TimeSpan.Zero && o.BuildPollInterval > TimeSpan.Zero && o.FastPollInterval > TimeSpan.Zero, "Poll intervals must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        // Port roles are written by name ("Label"), so a reader needs no knowledge of the enum's order.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddSingleton(sp => new AnnouncedStore(sp.GetRequiredService<IOptions<SwitchMonitorOptions>>().Value.StateDirectory));
        builder.Services.AddSingleton(sp => new EventOutbox(sp.GetRequiredService<IOptions<SwitchMonitorOptions>>().Value.StateDirectory));

        // Hosted services stop in reverse order: the bus (registered first) stops after the outbox publisher.
        builder.AddFactoryMessaging();
        builder.Services.AddHostedService<OutboxPublisher>();
        builder.Services.AddSingleton<SwitchWatchers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SwitchWatchers>());
        builder.Services.AddSingleton<TrapReceiver>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TrapReceiver>());
        builder.Services.AddHealthChecks().AddCheck<SwitchHealthCheck>("switches");
    }
}
