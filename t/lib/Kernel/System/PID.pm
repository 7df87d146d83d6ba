# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::PID;

# CI stand-in for Kernel::System::PID (doc/dev/DESIGN.md, "Locking with
# Kernel::System::PID"). The real one keeps the entries in the process_id
# table shared by all processes; this one keeps one small file per name under
# <Home>/var/tmp/standin-pid so that separate processes see each other, with
# the same semantics: PIDCreate refuses (notice, undef) while an entry younger
# than TTL (default 3600 s, measured from creation) exists, unless Force; it
# returns 1 for an entry of the same process; PIDDelete removes only entries
# of this host unless Force. Like the real one, check and create are not
# atomic.

use strict;
use warnings;

use File::Path();
use File::Spec();

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::Log',
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self         = bless {}, $Type;
    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    $Self->{Host} = $ConfigObject->Get('FQDN') || 'localhost';
    my $Home = $ConfigObject->Get('Home') || File::Spec->tmpdir();
    $Self->{Directory} = "$Home/var/tmp/standin-pid";
    File::Path::make_path( $Self->{Directory} );
    return $Self;
}

sub PIDCreate {
    my ( $Self, %Param ) = @_;

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');
    if ( !$Param{Name} ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => 'Need Name'
        );
        return;
    }
    my %ProcessID = $Self->PIDGet(%Param);
    if ( %ProcessID && !$Param{Force} ) {
        my $TTL = $Param{TTL} || 3600;
        if ( $ProcessID{Created} > ( time() - $TTL ) ) {
            $LogObject->Log(
                Priority => 'notice',
                Message  => "Can't create PID $ProcessID{Name}, because it's already running "
                    . "($ProcessID{Host}/$ProcessID{PID})!",
            );
            return;
        }
        $LogObject->Log(
            Priority => 'notice',
            Message  => "Removed PID ($ProcessID{Name}/$ProcessID{Host}/$ProcessID{PID}, "
                . "because the TTL ($TTL sec) was exceeded!",
        );
    }
    return 1 if $ProcessID{PID} && $ProcessID{PID} eq $$;

    $Self->PIDDelete( %Param, Force => 1 );
    my $Time = time();
    return $Self->_Write( $Param{Name}, join "\t", $Param{Name}, $$, $Self->{Host}, $Time, $Time );
}

sub PIDGet {
    my ( $Self, %Param ) = @_;

    if ( !$Param{Name} ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Need Name'
        );
        return;
    }
    my $File = $Self->_File( $Param{Name} );
    return if !-e $File;
    open my $FH, '<', $File or return;    ## no critic
    my $Line = <$FH>;
    close $FH;
    return if !$Line;
    chomp $Line;
    my ( $Name, $PID, $Host, $Created, $Changed ) = split m{\t}, $Line;
    return (
        PID     => $PID,
        Name    => $Name,
        Host    => $Host,
        Created => $Created,
        Changed => $Changed,
    );
}

sub PIDDelete {
    my ( $Self, %Param ) = @_;

    my %ProcessID = $Self->PIDGet(%Param);
    return 1 if !%ProcessID;
    return 1 if !$Param{Force} && $ProcessID{Host} ne $Self->{Host};
    unlink $Self->_File( $Param{Name} );
    return 1;
}

sub PIDUpdate {
    my ( $Self, %Param ) = @_;

    my %ProcessID = $Self->PIDGet(%Param);
    return if !%ProcessID;
    return $Self->_Write( $Param{Name}, join "\t", @ProcessID{qw(Name PID Host Created)}, time() );
}

sub _File {
    my ( $Self, $Name ) = @_;

    $Name =~ s{[^A-Za-z0-9_.-]}{_}smxg;
    return "$Self->{Directory}/$Name";
}

sub _Write {
    my ( $Self, $Name, $Line ) = @_;

    my $File = $Self->_File($Name);
    open my $FH, '>', "$File.$$" or return;    ## no critic
    print {$FH} "$Line\n";
    close $FH;
    rename "$File.$$", $File or return;
    return 1;
}

1;
