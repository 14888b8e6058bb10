using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateBox.Factory.Contracts;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit over the "messaging" RabbitMQ connection string, kebab-case endpoints,
    /// and whatever consumers <paramref name="configure"/> registers.
    /// </summary>
    public static TBuilder AddFactoryMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Messaging);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                if (!string.IsNullOrEmpty(connectionString)) rabbit.Host(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
