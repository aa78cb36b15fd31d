using System.Reflection;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>
/// Finds the provider descriptors of one assembly: every public, non-abstract type implementing
/// <see cref="IStorageProvider"/> with a public parameterless constructor. Plugins and the core
/// assemblies go through the same scan, so the host sees one catalogue.
/// </summary>
internal static class ProviderTypeScanner
{
    /// <summary>Instantiates the assembly's providers; a type that cannot be used is reported, not thrown.</summary>
    /// <returns>The usable providers and, for every unusable type, why.</returns>
    public static (IReadOnlyList<IStorageProvider> Providers, IReadOnlyList<string> Problems) Scan(Assembly assembly) =>
        Scan(assembly.GetExportedTypes());

    /// <summary>Instantiates the providers among <paramref name="types"/>, in ordinal order of their full names.</summary>
    internal static (IReadOnlyList<IStorageProvider> Providers, IReadOnlyList<string> Problems) Scan(IEnumerable<Type> types)
    {
        var providers = new List<IStorageProvider>();
        var problems = new List<string>();
        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (!type.IsClass || type.IsAbstract || type.ContainsGenericParameters || !typeof(IStorageProvider).IsAssignableFrom(type))
            {
                continue;
            }

            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                problems.Add($"provider type '{type.FullName}' has no public parameterless constructor, so the host cannot create it. Add one.");
                continue;
            }

            var (provider, problem) = Create(type);
            if (provider is null)
            {
                problems.Add(problem!);
                continue;
            }

            problem = CheckDescriptor(type, provider);
            if (problem is null)
            {
                providers.Add(provider);
            }
            else
            {
                problems.Add(problem);
            }
        }

        return (providers, problems);
    }

    private static (IStorageProvider? Provider, string? Problem) Create(Type type)
    {
        try
        {
            return ((IStorageProvider)Activator.CreateInstance(type)!, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return (null, $"provider type '{type.FullName}' threw {Threw(e.InnerException, "from its constructor")}");
        }
        catch (Exception e) when (e is MemberAccessException or TypeLoadException or FileNotFoundException or FileLoadException)
        {
            return (null, $"provider type '{type.FullName}' could not be created: {e.GetType().Name}: {e.Message}");
        }
    }

    private static string? CheckDescriptor(Type type, IStorageProvider provider)
    {
        string name;
        Type optionsType;
        StorageProviderKind kind;
        try
        {
            name = provider.Name;
            optionsType = provider.OptionsType;
            kind = provider.Kind;
        }
#pragma warning disable CA1031 // A descriptor that throws from its properties is reported, never allowed to stop the host.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"provider type '{type.FullName}' threw {Threw(e, "while describing itself")}";
        }

        if (!ProviderName.IsValid(name))
        {
            return $"provider type '{type.FullName}' has the name '{name}'; a provider name is lowercase letters, digits and '-', starting with a letter or digit.";
        }

        if (!Enum.IsDefined(kind))
        {
            return $"provider '{name}' ({type.FullName}) declares an unknown kind {(int)kind}; use Backend or Wrapper.";
        }

        if (optionsType is null || !optionsType.IsClass || optionsType.IsAbstract || optionsType.GetConstructor(Type.EmptyTypes) is null)
        {
            return $"provider '{name}' ({type.FullName}) has options type '{optionsType?.FullName ?? "null"}', which is not a class with a public parameterless constructor.";
        }

        return null;
    }

    /// <summary>What an exception from the provider's code says, looking through a failed static initializer to its cause.</summary>
    private static string Threw(Exception e, string when) =>
        e is TypeInitializationException { InnerException: { } cause }
            ? $"{cause.GetType().Name} from its static initializer: {cause.Message}"
            : $"{e.GetType().Name} {when}: {e.Message}";
}
