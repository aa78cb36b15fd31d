namespace Atomiton.Storage.Encrypted;

/// <summary>What rotation did to one object.</summary>
internal enum KeyRotationOutcome
{
    Rotated,
    AlreadyCurrent,
    Skipped,
}
