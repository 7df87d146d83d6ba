# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::Config;

use strict;
use warnings;

use Carp           qw(croak);
use File::Basename qw(dirname);
use File::Spec;

# The package build's XML parser (SalesForceOPM::ParseXML): core Perl only.
require File::Spec->catfile( dirname(__FILE__), '..', '..', '..', 'tools', 'build-opm' );    ## no critic

our @ObjectDependencies = ();

# Settings that tests want every new Kernel::Config to see, like the
# ZZZZUnitTest*.pm files OTRS's Helper->ConfigSettingChange() writes:
#   local $Kernel::Config::TestSettings{'SalesForceModule::AuthFlow'} = 'oauth-jwt';
# Keys may use '###' (A###B sets $Config->{A}->{B}); the value undef removes a key.
our %TestSettings;

=head1 NAME

Kernel::Config - test stand-in of the OTRS 6 configuration object

=head1 DESCRIPTION

Loads the shipped SysConfig defaults from C<Kernel/Config/Files/XML/*.xml> of
this repository (a C<SALESFORCE_CONFIG_XML_DIR> set by the test may point
elsewhere) the way a deployment would: a setting with C<Valid="0"> does not
exist, C<A###B> becomes C<< $Config->{A}->{B} >>, Select gives the selected
value, Hash/Array give refs. C<Get('A###B')> returns undef, as in real OTRS.

C<Get('Home')>, where the stand-ins and the sync keep their files, is
C<$ENV{SALESFORCE_TEST_HOME}> (the test helpers set a new temporary directory:
C<SalesForceTest::Sync-E<gt>Configure()>), else the repository root. It is
never C<OTRS_HOME>: a variable exported in the caller's shell (e.g. for
C<make demo>) must not make the test suite read or write an OTRS. A home
holding a real OTRS (F<bin/otrs.Console.pl> or F<bin/znuny.Console.pl>) is
refused.

=head1 PUBLIC INTERFACE

=head2 new()

    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = bless {}, $Type;

    $Self->{Home} = _TestHome() || File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), '..', '..', '..' ) );

    my $Directory = $ENV{SALESFORCE_CONFIG_XML_DIR}
        || File::Spec->catdir( $Self->{Home}, 'Kernel', 'Config', 'Files', 'XML' );

    if ( -d $Directory ) {
        opendir my $DirHandle, $Directory or croak "Cannot read $Directory: $!";    ## no critic
        my @Files = sort grep {/\.xml\z/} readdir $DirHandle;
        closedir $DirHandle;
        for my $File (@Files) {
            $Self->_LoadXML( File::Spec->catfile( $Directory, $File ) );
        }
    }

    for my $Key ( sort keys %TestSettings ) {
        $Self->Set(
            Key   => $Key,
            Value => $TestSettings{$Key},
        );
    }

    return $Self;
}

=head2 Get()

    my $Value = $ConfigObject->Get('SalesForceModule::AuthUser');
    my $Task  = $ConfigObject->Get('Daemon::SchedulerCronTaskManager::Task')->{SalesForceSyncCompanies};

A plain key lookup: C<Get('A###B')> is undef.

=cut

sub Get {
    my ( $Self, $Key ) = @_;

    return if !defined $Key;
    return $Self->{$Key};
}

=head2 Set()

    $ConfigObject->Set(
        Key   => 'SalesForceModule::APIVersion',
        Value => '64.0',
    );

C<Key> may contain C<###>. A Value of undef removes the key.

=cut

sub Set {
    my ( $Self, %Param ) = @_;

    if ( !defined $Param{Key} || $Param{Key} eq '' ) {
        croak 'Need Key!';
    }

    my @Parts = split /###/, $Param{Key};
    my $Last  = pop @Parts;
    my $Node  = $Self;
    for my $Part (@Parts) {
        if ( ref $Node->{$Part} ne 'HASH' ) {
            $Node->{$Part} = {};
        }
        $Node = $Node->{$Part};
    }

    if ( defined $Param{Value} ) {
        $Node->{$Last} = $Param{Value};
    }
    else {
        delete $Node->{$Last};
    }
    return 1;
}

=begin Internal:

=cut

# The home a test chose, or undef for the repository root.
sub _TestHome {
    my $Home = $ENV{SALESFORCE_TEST_HOME};
    return if !defined $Home || $Home eq '';

    if ( _IsRealOTRS($Home) ) {
        croak "SALESFORCE_TEST_HOME=$Home holds a real OTRS; the test stand-ins never use one";
    }
    return $Home;
}

sub _IsRealOTRS {
    my ($Directory) = @_;

    for my $Console (qw(otrs.Console.pl znuny.Console.pl)) {
        return 1 if -e File::Spec->catfile( $Directory, 'bin', $Console );
    }
    return 0;
}

sub _LoadXML {
    my ( $Self, $File ) = @_;

    # The package build's strict XML parser (core Perl only), so the suite
    # runs on any Perl, not only one with XML::LibXML.
    my $Root = SalesForceOPM::ParseXML( SalesForceOPM::ReadFile($File) );

    if ( $Root->{Tag} ne 'otrs_config' || ( $Root->{Attr}->{version} // '' ) ne '2.0' ) {
        croak "Invalid XML format found in $File (version must be 2.0)!";
    }

    SETTING:
    for my $Setting ( _Children( $Root, 'Setting' ) ) {
        next SETTING if ( $Setting->{Attr}->{Valid} // '1' ) ne '1';

        my ($Value) = _Children( $Setting, 'Value' );
        next SETTING if !$Value;

        $Self->Set(
            Key   => $Setting->{Attr}->{Name},
            Value => _ValueOf($Value),
        );
    }
    return 1;
}

sub _Children {
    my ( $Node, $Tag ) = @_;
    return grep { $_->{Tag} eq $Tag } @{ $Node->{Children} };
}

# Converts the content of a <Value> (or of a Hash/Array <Item>) to Perl data.
sub _ValueOf {
    my ($Node) = @_;

    my $First = $Node->{Children}->[0];
    return $Node->{Content} if !$First;

    my $Name = $First->{Tag};
    if ( $Name eq 'Hash' ) {
        return { map { $_->{Attr}->{Key} => _ItemValue($_) } _Children( $First, 'Item' ) };
    }
    if ( $Name eq 'Array' ) {
        return [ map { _ItemValue($_) } _Children( $First, 'Item' ) ];
    }
    if ( $Name eq 'Item' ) {
        return _ItemValue($First);
    }

    croak "Unknown element <$Name> in a setting value";
}

sub _ItemValue {
    my ($Item) = @_;

    my $ValueType = $Item->{Attr}->{ValueType} // 'String';
    if ( $ValueType eq 'Select' ) {
        return $Item->{Attr}->{SelectedID};
    }
    return _ValueOf($Item) if @{ $Item->{Children} };
    return $Item->{Content};
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This is a test stand-in; it contains no OTRS code. This software comes with
ABSOLUTELY NO WARRANTY.

=cut
