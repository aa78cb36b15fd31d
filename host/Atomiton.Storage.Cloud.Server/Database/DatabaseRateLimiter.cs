using Atomiton.Storage.Cloud.Server.State;
using Npgsql;

namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// Fixed windows per key counted in the database, so every replica draws on one budget: each request
/// adds one to its key's row for the current window (one upsert) and is refused once the count passes
/// the permits. Windows are aligned on the server clock (replicas' clocks should agree to well within a
/// window); windows more than a minute old are removed by <see cref="RemoveOldWindowsAsync"/>.
/// </summary>
internal sealed class DatabaseRateLimiter(CloudDatabase database, int permits, TimeSpan window) : IRequestRateLimiter
{
    public async ValueTask<TimeSpan?> TryAcquireAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = database.Time.GetUtcNow();
        long ticks = now.UtcTicks - (now.UtcTicks % window.Ticks);
        var start = new DateTimeOffset(ticks, TimeSpan.Zero);
        int used = await database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO rate_windows (key_id, window_start, used) VALUES ($1, $2, 1) ON CONFLICT (key_id, window_start) DO UPDATE SET used = rate_windows.used + 1 RETURNING used",
                connection);
            command.Parameters.AddWithValue(keyId);
            command.Parameters.AddWithValue(start);
            return Convert.ToInt32(await command.ExecuteScalarAsync(token), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);
        return used <= permits ? null : start + window - now;
    }

    /// <summary>Removes the counts of windows that ended more than a minute ago.</summary>
    public Task RemoveOldWindowsAsync(CancellationToken cancellationToken) =>
        database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM rate_windows WHERE window_start < $1", connection);
            command.Parameters.AddWithValue(database.Time.GetUtcNow() - window - TimeSpan.FromMinutes(1));
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);

    public void Dispose()
    {
    }
}
