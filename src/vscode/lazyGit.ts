// The extension's Git port: a NodeGit made at the first git call, so that activation does not load the engine bundle (dist/engine.js) that holds it.

import type { Git } from '../core/ports';
import { NodeGit } from '../node/git';

/** Hands every call to one NodeGit, constructed on first use (the port's optional methods too: NodeGit has them). */
export class LazyGit implements Git {
  private made: NodeGit | undefined;
  private get git(): NodeGit {
    return (this.made ??= new NodeGit());
  }
  clone: Git['clone'] = (...a) => this.git.clone(...a);
  fetch: Git['fetch'] = (...a) => this.git.fetch(...a);
  resolveCommit: Git['resolveCommit'] = (...a) => this.git.resolveCommit(...a);
  symbolicRef: Git['symbolicRef'] = (...a) => this.git.symbolicRef(...a);
  checkout: Git['checkout'] = (...a) => this.git.checkout(...a);
  localCommitCount: Git['localCommitCount'] = (...a) => this.git.localCommitCount(...a);
  repairWorkTree: Git['repairWorkTree'] = (...a) => this.git.repairWorkTree(...a);
  lsTree: Git['lsTree'] = (...a) => this.git.lsTree(...a);
  diffTree: NonNullable<Git['diffTree']> = (...a) => this.git.diffTree(...a);
  blobReader: Git['blobReader'] = (...a) => this.git.blobReader(...a);
  fetchBlob: NonNullable<Git['fetchBlob']> = (...a) => this.git.fetchBlob(...a);
  log: Git['log'] = (...a) => this.git.log(...a);
  workTreeRoot: Git['workTreeRoot'] = (...a) => this.git.workTreeRoot(...a);
  getConfig: Git['getConfig'] = (...a) => this.git.getConfig(...a);
  setOriginUrl: Git['setOriginUrl'] = (...a) => this.git.setOriginUrl(...a);
}
