# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Log;

use strict;
use warnings;

use Carp qw(croak);

our @ObjectDependencies = ();

# Every entry logged in this process by any Log object, oldest first, so that tests
# can check all messages (e.g. that no secret ever reached the log) even after a
# local object manager that held the Log object is gone.
our @AllEntries;

my %KnownPriority = map { $_ => 1 } qw(debug info notice error);

=head1 NAME

Kernel::System::Log - test stand-in of the OTRS 6 log object

=head1 DESCRIPTION

C<Log()> keeps every entry in memory (per object and in C<@Kernel::System::Log::AllEntries>)
and, like OTRS, prints C<error> entries to STDERR. Set
C<$ENV{SALESFORCE_TEST_QUIET_LOG}> to keep STDERR clean in tests that provoke errors
on purpose. C<GetLogEntry()> returns the last entry of a priority, like OTRS.

=head1 PUBLIC INTERFACE

=head2 new()

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');

=cut

sub new {
    my ( $Type, %Param ) = @_;

    return bless {
        LogPrefix => $Param{LogPrefix} || 'OTRS-TestStandIn',
        Entries   => [],
    }, $Type;
}

=head2 Log()

    $LogObject->Log(
        Priority => 'error',            # error|notice|info|debug
        Message  => 'Need Query!',
    );

=cut

sub Log {
    my ( $Self, %Param ) = @_;

    my $Priority = lc( $Param{Priority} || 'debug' );
    if ( !$KnownPriority{$Priority} ) {
        croak "Unknown log priority '$Priority'";
    }
    my $Message = $Param{Message} // '';

    my @Caller = caller( $Param{Caller} || 0 );
    my $Entry  = {
        Priority  => $Priority,
        Message   => $Message,
        Module    => $Caller[0] // '',
        Line      => $Caller[2] // 0,
        Traceback => _Traceback( ( $Param{Caller} || 0 ) + 1 ),
    };
    push @{ $Self->{Entries} }, $Entry;
    push @AllEntries,           $Entry;

    if ( $Priority eq 'error' && !$ENV{SALESFORCE_TEST_QUIET_LOG} ) {
        print STDERR "ERROR: $Self->{LogPrefix} Perl: $] Module: $Entry->{Module} Line: $Entry->{Line}\n"
            . " Message: $Message\n";
    }

    return 1;
}

=head2 _Traceback()

The call stack from C<$Skip> frames above this function, one line per frame
like OTRS's own traceback: C<Module: Name::Of::sub Line: N>, the function that
made the call (the script for the outermost frame) and its line. Never the call
arguments: they may hold passwords or tokens.

    my $Traceback = _Traceback(1);

=cut

sub _Traceback {
    my ($Skip) = @_;

    my $Traceback = '';
    FRAME:
    for my $Level ( $Skip .. $Skip + 29 ) {
        my @Frame = caller($Level);
        last FRAME if !@Frame;
        my $Function = ( caller( $Level + 1 ) )[3] || $0;
        $Traceback .= "   Module: $Function Line: $Frame[2]\n";
    }
    return $Traceback;
}

=head2 GetLogEntry()

    my $Message = $LogObject->GetLogEntry(
        Type => 'error',                # error|notice|info|debug
        What => 'Message',              # Message|Traceback
    );

Returns the last entry of that type logged through this object, or ''.

=cut

sub GetLogEntry {
    my ( $Self, %Param ) = @_;

    my $Type = lc( $Param{Type} || '' );
    my $What = $Param{What} || 'Message';

    for my $Entry ( reverse @{ $Self->{Entries} } ) {
        if ( $Entry->{Priority} eq $Type ) {
            return $Entry->{$What} // '';
        }
    }
    return '';
}

=head2 Entries()

Test helper (not in OTRS): all entries of this object, oldest first.

    my @Entries = $LogObject->Entries();    # ( { Priority => 'error', Message => '...' }, ... )

=cut

sub Entries {
    my ( $Self, %Param ) = @_;

    return @{ $Self->{Entries} };
}

=head2 EntriesClear()

Test helper (not in OTRS): forgets the entries of this object.

    $LogObject->EntriesClear();

=cut

sub EntriesClear {
    my ( $Self, %Param ) = @_;

    $Self->{Entries} = [];
    return 1;
}

1;

=head1 TERMS AND CONDITIONS

This is a test stand-in; it contains no OTRS code. This software comes with
ABSOLUTELY NO WARRANTY.

=cut
