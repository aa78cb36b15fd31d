using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Hosting.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Atomiton Storage host and its pipelines.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the host for <paramref name="configuration"/> (the shape of <c>plugins.json</c>):
    /// every pipeline as a keyed <see cref="Atomiton.Storage.IStorageEngine"/> (<c>[FromKeyedServices("secure")]</c>),
    /// the default pipeline as the plain <see cref="Atomiton.Storage.IStorageEngine"/>,
    /// <see cref="IStoragePipelineFactory"/>, and the <see cref="Atomiton.Storage.Hosting.StorageHost"/> itself.
    /// Engines are built on first use, shared, and disposed with the container (dispose it asynchronously).
    /// Configuration problems surface when the application starts (<c>ValidateOnStart</c>). Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration, for example loaded from <c>plugins.json</c> with environment overrides.</param>
    /// <param name="configure">Adjusts the host options (file name for messages, base directory, built-in assemblies, clock).</param>
    public static IServiceCollection AddAtomitonStorage(this IServiceCollection services, IConfiguration configuration, Action<Atomiton.Storage.Hosting.StorageHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        string? file = FindJsonFile(configuration);

        services.TryAddSingleton(sp =>
        {
            var options = new Atomiton.Storage.Hosting.StorageHostOptions
            {
                Configuration = configuration,
                LoggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
                TimeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System,
                Services = sp,
            };
            if (file is not null)
            {
                options.ConfigurationFile = file;
            }

            configure?.Invoke(options);
            return Atomiton.Storage.Hosting.StorageHost.Create(options);
        });
        services.TryAddSingleton<IStoragePipelineFactory, StoragePipelineFactory>();

        foreach (var pipeline in configuration.GetSection("pipelines").GetChildren())
        {
            string name = pipeline.Key;
            // DI factories are synchronous; providers build engines without real asynchronous work in practice.
            services.TryAddKeyedSingleton<Atomiton.Storage.IStorageEngine>(name, (sp, _) =>
                sp.GetRequiredService<Atomiton.Storage.Hosting.StorageHost>().BuildPipelineAsync(name).AsTask().GetAwaiter().GetResult());
        }

        if (configuration["defaultPipeline"] is { Length: > 0 } defaultPipeline)
        {
            services.TryAddSingleton<Atomiton.Storage.IStorageEngine>(sp => sp.GetRequiredService<IStoragePipelineFactory>().GetPipeline(defaultPipeline));
        }

        services.AddOptions<StorageStartupCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageStartupCheck>, StorageStartupValidation>());
        return services;
    }

    /// <summary>Registers the host for the file at <paramref name="configurationFile"/>, read with environment overrides (<c>ATOMITON__…</c>).</summary>
    /// <exception cref="Atomiton.Storage.StorageException">InvalidConfiguration when the file is missing or not JSON.</exception>
    public static IServiceCollection AddAtomitonStorage(this IServiceCollection services, string configurationFile, Action<Atomiton.Storage.Hosting.StorageHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = StorageConfigurationFile.Load(configurationFile);
        return services.AddAtomitonStorage(configuration, options =>
        {
            options.ConfigurationFile = configurationFile;
            configure?.Invoke(options);
        });
    }

    /// <summary>The JSON file a configuration root was loaded from, so messages name it and relative paths resolve against its folder.</summary>
    private static string? FindJsonFile(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? root.Providers.OfType<JsonConfigurationProvider>()
                .Select(p => p.Source.FileProvider is PhysicalFileProvider physical && p.Source.Path is { } path ? Path.Combine(physical.Root, path) : null)
                .LastOrDefault(p => p is not null)
            : null;
}
