// The reference for bench_region_grow: ITK's ConnectedThresholdImageFilter (face
// connectivity = 6-connected) on the same NIfTI volume, seed and thresholds.
//   bench_itk_region_grow VOLUME.nii I J K LOWER UPPER [REPEATS]
// Prints: voxels=N median_ms=T (time of Update() only, the volume read once before).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <itkConnectedThresholdImageFilter.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageRegionConstIterator.h>

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: bench_itk_region_grow VOLUME.nii I J K LOWER UPPER [REPEATS]\n");
    return 2;
  }
  using Image = itk::Image<unsigned short, 3>;
  using Mask = itk::Image<unsigned char, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetFileName(argv[1]);
  reader->Update();
  Image::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  Image::IndexType seed;
  seed[0] = std::atol(argv[2]);
  seed[1] = std::atol(argv[3]);
  seed[2] = std::atol(argv[4]);
  const double lower = std::atof(argv[5]), upper = std::atof(argv[6]);
  const int repeats = argc > 7 ? std::max(1, std::atoi(argv[7])) : 5;
  std::vector<double> ms;
  std::size_t voxels = 0;
  for (int i = 0; i < repeats; ++i) {
    auto filter = itk::ConnectedThresholdImageFilter<Image, Mask>::New();
    filter->SetInput(image);
    // Same inclusive bounds on the stored integer values as crmo (ceil/floor).
    filter->SetLower(static_cast<unsigned short>(std::max(0.0, std::ceil(lower))));
    filter->SetUpper(static_cast<unsigned short>(std::min(65535.0, std::floor(upper))));
    filter->SetReplaceValue(1);
    filter->SetSeed(seed);
    const auto t0 = std::chrono::steady_clock::now();
    filter->Update();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    voxels = 0;
    itk::ImageRegionConstIterator<Mask> it(filter->GetOutput(), filter->GetOutput()->GetLargestPossibleRegion());
    for (it.GoToBegin(); !it.IsAtEnd(); ++it) voxels += it.Get() != 0;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("voxels=%zu median_ms=%.3f\n", voxels, ms[ms.size() / 2]);
  return 0;
}
