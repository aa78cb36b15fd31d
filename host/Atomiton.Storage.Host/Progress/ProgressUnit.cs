using System.Globalization;

namespace Atomiton.Storage.Host.Progress;

/// <summary>What progress counts: objects or bytes, and how to print an amount of it.</summary>
internal enum ProgressUnit
{
    Objects,
    Bytes,
}

/// <summary>Formats amounts of a <see cref="ProgressUnit"/>.</summary>
internal static class ProgressUnitFormat
{
    public static string Format(this ProgressUnit unit, double amount) => unit == ProgressUnit.Bytes
        ? ByteSize.Format((long)amount)
        : string.Create(CultureInfo.InvariantCulture, $"{amount:0} objects");
}
