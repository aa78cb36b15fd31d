using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>The plugin's descriptor and options as the host validates them, and connection failures at start-up.</summary>
public sealed class CloudOptionsTests
{
    [Fact]
    public void Descriptor_names_a_cloud_backend_with_endpoint_and_secret_api_key()
    {
        var provider = new CloudProvider();
        Assert.Equal("cloud", provider.Name);
        Assert.Equal(StorageProviderKind.Backend, provider.Kind);
        Assert.Equal(typeof(CloudOptions), provider.OptionsType);
        Assert.StartsWith("Atomiton Cloud:", provider.Description, StringComparison.Ordinal);
        var apiKey = typeof(CloudOptions).GetProperty(nameof(CloudOptions.ApiKey))!;
        Assert.NotNull(apiKey.GetCustomAttribute<StorageSecretAttribute>());
        Assert.NotNull(apiKey.GetCustomAttribute<RequiredAttribute>());
        Assert.NotNull(typeof(CloudOptions).GetProperty(nameof(CloudOptions.Endpoint))!.GetCustomAttribute<RequiredAttribute>());
    }

    [Theory]
    [InlineData(null, "atm_x", "Endpoint")]
    [InlineData("not a url", "atm_x", "Endpoint")]
    [InlineData("ftp://example.com/", "atm_x", "Endpoint")]
    [InlineData("http://127.0.0.1:1/", null, "ApiKey")]
    public void Invalid_options_fail_validation_naming_the_option(string? endpoint, string? apiKey, string member)
    {
        var options = new CloudOptions { Endpoint = endpoint, ApiKey = apiKey };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(member));
    }

    [Fact]
    public void ToString_never_shows_the_api_key()
    {
        var options = new CloudOptions { Endpoint = "https://storage.example.com/", ApiKey = "atm_secret-value" };
        Assert.DoesNotContain("secret-value", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_endpoint_fails_at_creation_with_NetworkError_naming_the_stage()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await new CloudProvider().CreateAsync(
            new CloudOptions { Endpoint = $"http://127.0.0.1:{port}/", ApiKey = "atm_whatever", MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(1) },
            new StorageProviderContext { PipelineName = "remote-pipeline", StageName = "remote-stage" }));
        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Contains("remote-stage", error.Message, StringComparison.Ordinal);
        Assert.Contains("remote-pipeline", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("atm_whatever", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_http_endpoint_is_an_InvalidConfiguration()
    {
        var error = await Assert.ThrowsAsync<StorageException>(async () => await new CloudProvider().CreateAsync(
            new CloudOptions { Endpoint = "ftp://example.com/", ApiKey = "atm_x" },
            new StorageProviderContext { PipelineName = "p", StageName = "s" }));
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
    }
}
